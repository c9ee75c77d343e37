package dev.pgbackfill.spring.boot;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.worker.Worker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Actuator's view of pgbackfill, when Actuator is on the classpath: a health indicator and the {@code pgbackfill} endpoint. */
@AutoConfiguration(after = {PgbackfillAutoConfiguration.class, PgbackfillClientAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "pgbackfill.enabled", matchIfMissing = true)
public class PgbackfillActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
            "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
    static class Health {
        @Bean
        @ConditionalOnBean(PgbackfillPool.class)
        @ConditionalOnMissingBean(PgbackfillHealthIndicator.class)
        @org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator("pgbackfill")
        PgbackfillHealthIndicator pgbackfillHealthIndicator(PgbackfillPool pool, ObjectProvider<Worker> worker, ObjectProvider<Coordinator> coordinator) {
            return new PgbackfillHealthIndicator(pool, worker.getIfUnique(), coordinator.getIfUnique() != null);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class Endpoint {
        @Bean
        @ConditionalOnMissingBean
        PgbackfillEndpoint pgbackfillEndpoint(ObjectProvider<BackfillOperations> operations, ObjectProvider<Worker> worker) {
            return new PgbackfillEndpoint(operations.getIfUnique(), worker.getIfUnique());
        }
    }
}
