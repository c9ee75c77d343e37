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

    public static ConfigurableApplicationContext start(Coordinator coordinator, ApiTokens tokens, int port, Map<String, Object> extra) {
        return start(coordinator, tokens, port, extra, MigrationCatalog.none(coordinator.jobs().dataSource()));
    }

    public static ConfigurableApplicationContext start(Coordinator coordinator, ApiTokens tokens, int port, Map<String, Object> extra,
                                                       MigrationCatalog migrations) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", port);
        props.put("spring.main.banner-mode", "off");
        props.put("management.endpoints.web.exposure.include", "health,prometheus");
        props.put("management.endpoint.health.probes.enabled", "true");
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
