package dev.pgbackfill.test;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Starts PostgreSQL and Kafka containers once per JVM (the first test that needs them) and hands their addresses to
 * tests as {@link PgbackfillServices}. Without a Docker engine the tests are skipped, not failed, and the reason is
 * reported (and printed once): a build on a machine without Docker stays green and says what it did not run.
 *
 * <pre>{@code
 * @ExtendWith(PgbackfillContainersExtension.class)
 * class MyBackfillTest {
 *     @Test
 *     void fillsEmail(PgbackfillServices services) { ... services.jdbcUrl() ... services.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class PgbackfillContainersExtension implements ExecutionCondition, ParameterResolver {
    static final String NO_DOCKER = "skipped: no Docker engine here (Testcontainers found none), so the PostgreSQL and Kafka "
            + "containers cannot start; run these tests where Docker is available";
    private static volatile boolean told;

    /** The running containers, started on first use and stopped when the JVM exits (Testcontainers' Ryuk reaps them too). */
    private static final class Running {
        static final PostgreSQLContainer POSTGRES = PgbackfillContainers.postgres();
        static final KafkaContainer KAFKA = PgbackfillContainers.kafka();

        static {
            POSTGRES.start();
            KAFKA.start();
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (PgbackfillContainers.dockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker engine is available");
        }
        if (!told) {
            told = true;
            System.err.println("[pgbackfill-test] " + context.getRequiredTestClass().getSimpleName() + " and other container tests " + NO_DOCKER);
        }
        return ConditionEvaluationResult.disabled(NO_DOCKER);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PgbackfillServices.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return new PgbackfillServices(Running.POSTGRES.getJdbcUrl(), Running.POSTGRES.getUsername(), Running.POSTGRES.getPassword(),
                Running.KAFKA.getBootstrapServers());
    }
}
