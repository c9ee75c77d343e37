package dev.pgbackfill.coordinator.api;

import dev.pgbackfill.coordinator.control.Coordinator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The coordinator's web side: REST API under {@code /api}, dashboard at {@code /}, Prometheus metrics at
 * {@code /actuator/prometheus}. The {@link Coordinator} itself is built outside Spring and handed in, so the
 * same core runs in {@code run} (no web server) and here.
 */
@SpringBootApplication(exclude = org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration.class)
public class CoordinatorApplication {

    /** Job progress and health signals in the actuator's registry (Prometheus at /actuator/prometheus). */
    @org.springframework.context.annotation.Bean
    io.micrometer.core.instrument.binder.MeterBinder jobMetrics(Coordinator coordinator) {
        return coordinator::bindMetrics;
    }

    /**
     * The tokens in force: those handed in (environment variables) plus {@code pgbackfill.tokens.operator} /
     * {@code pgbackfill.tokens.viewer} from Spring configuration ({@code application.yml} next to the process, or
     * {@code --spring.config.additional-location}). With none at all, a random pair is generated and printed once.
     */
    @org.springframework.context.annotation.Bean
    @org.springframework.context.annotation.Primary
    ApiTokens effectiveApiTokens(@org.springframework.beans.factory.annotation.Qualifier("apiTokens") ApiTokens given,
                                 org.springframework.core.env.Environment env) {
        org.springframework.boot.context.properties.bind.Binder binder = org.springframework.boot.context.properties.bind.Binder.get(env);
        java.util.List<String> operators = binder.bind("pgbackfill.tokens.operator", org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
                .orElse(java.util.List.of());
        java.util.List<String> viewers = binder.bind("pgbackfill.tokens.viewer", org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
                .orElse(java.util.List.of());
        ApiTokens tokens = given.with(operators, viewers);
        if (tokens.isEmpty()) {
            java.security.SecureRandom random = new java.security.SecureRandom();
            byte[] a = new byte[24];
            byte[] b = new byte[24];
            random.nextBytes(a);
            random.nextBytes(b);
            String operator = "op-" + java.util.HexFormat.of().formatHex(a);
            String viewer = "view-" + java.util.HexFormat.of().formatHex(b);
            System.err.println("pgbackfill: no tokens in PGBACKFILL_OPERATOR_TOKEN / PGBACKFILL_VIEWER_TOKEN or pgbackfill.tokens.* "
                    + "(application.yml); generated for this run:");
            System.err.println("  operator: " + operator);
            System.err.println("  viewer:   " + viewer);
            tokens = new ApiTokens(java.util.List.of(operator), java.util.List.of(viewer));
        }
        return tokens;
    }

    public static ConfigurableApplicationContext start(Coordinator coordinator, ApiTokens tokens, int port, Map<String, Object> extra) {
        return start(coordinator, tokens, port, extra, MigrationCatalog.none(coordinator.jobs().dataSource()));
    }

    public static ConfigurableApplicationContext start(Coordinator coordinator, ApiTokens tokens, int port, Map<String, Object> extra,
                                                       MigrationCatalog migrations) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", port);
        props.put("spring.main.banner-mode", "off");
        props.put("spring.main.log-startup-info", "false"); // the command prints one "coordinator ready" line instead
        props.put("management.endpoints.web.exposure.include", "health,prometheus");
        props.put("management.endpoint.health.probes.enabled", "true");
        // set explicitly: the API description is part of the product (springdoc warns on every start when left to its default)
        props.put("springdoc.api-docs.enabled", "true");
        props.put("springdoc.swagger-ui.enabled", "true");
        // not classpath:/static/: an application that has this jar through the Spring Boot starter must not serve the dashboard
        props.put("spring.web.resources.static-locations", "classpath:/pgbackfill-dashboard/");
        props.putAll(extra);
        return new SpringApplicationBuilder(CoordinatorApplication.class)
                .properties(props)
                .initializers(ctx -> {
                    ctx.getBeanFactory().registerSingleton("coordinator", coordinator);
                    ctx.getBeanFactory().registerSingleton("apiTokens", tokens);
                    ctx.getBeanFactory().registerSingleton("migrationCatalog", migrations);
                })
                .run();
    }
}
