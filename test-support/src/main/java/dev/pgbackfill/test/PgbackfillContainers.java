package dev.pgbackfill.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The containers a pgbackfill cluster needs in a test: PostgreSQL and a KRaft Kafka broker, at the versions pgbackfill
 * is tested with. Not started here: annotate them with Spring Boot's {@code @ServiceConnection}
 * ({@link PgbackfillServiceConnections}), or let {@link PgbackfillContainersExtension} start them once per JVM.
 */
public final class PgbackfillContainers {
    /** PostgreSQL 17 (pgbackfill supports 14 to 18: pass another tag to {@link #postgres(String)}). */
    public static final String POSTGRES_IMAGE = "postgres:17";
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

    private PgbackfillContainers() {
    }

    public static PostgreSQLContainer postgres() {
        return postgres(POSTGRES_IMAGE);
    }

    public static PostgreSQLContainer postgres(String image) {
        return new PostgreSQLContainer(image);
    }

    public static KafkaContainer kafka() {
        return new KafkaContainer(KAFKA_IMAGE);
    }

    /** Whether Testcontainers finds a Docker engine here (it looks once per JVM). */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
