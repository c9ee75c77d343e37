package dev.pgbackfill.test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * PostgreSQL and Kafka containers as Spring Boot service connections: {@code @Import(PgbackfillServiceConnections.class)}
 * on a {@code @SpringBootTest} points the application's {@code DataSource}, Spring Kafka and the pgbackfill starter at
 * them (its worker and coordinator read the same connection details).
 */
@TestConfiguration(proxyBeanMethods = false)
public class PgbackfillServiceConnections {
    @Bean
    @ServiceConnection
    PostgreSQLContainer pgbackfillPostgres() {
        return PgbackfillContainers.postgres();
    }

    @Bean
    @ServiceConnection
    KafkaContainer pgbackfillKafka() {
        return PgbackfillContainers.kafka();
    }
}
