package dev.pgbackfill.spring.boot;

import dev.pgbackfill.client.BackfillOperations;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import dev.pgbackfill.coordinator.control.Coordinator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The client: a {@link BackfillOperations} bean, on the coordinator of this application when it runs one, otherwise
 * on the one at {@code pgbackfill.url} through its REST API. An application's own bean of the type wins.
 */
@AutoConfiguration(after = PgbackfillAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "pgbackfill.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PgbackfillProperties.class)
public class PgbackfillClientAutoConfiguration {

    /** The coordinator of this application, when it runs one. */
    @Bean
    @ConditionalOnBean(Coordinator.class)
    @ConditionalOnMissingBean(BackfillOperations.class)
    BackfillOperations pgbackfillOperations(Coordinator coordinator) {
        return coordinator.operations();
    }

    /** A coordinator elsewhere, through its REST API. */
    @Bean
    @ConditionalOnMissingBean({BackfillOperations.class, Coordinator.class})
    @ConditionalOnProperty("pgbackfill.url")
    BackfillOperations pgbackfillRemoteOperations(PgbackfillProperties properties) {
        if (properties.getToken() == null || properties.getToken().isBlank()) {
            throw new dev.pgbackfill.error.InvalidInputException("pgbackfill.token", "pgbackfill.url is set but pgbackfill.token is not: "
                    + "set it to an operator token of that coordinator (its pgbackfill.tokens.operator)");
        }
        return BackfillOperations.over(properties.getUrl(), properties.getToken());
    }
}
