package dev.pgbackfill.spring.boot;

import dev.pgbackfill.worker.Worker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code /actuator/health/pgbackfill}: DOWN when pgbackfill's pool cannot reach the database, or when the worker's
 * circuit breaker is open (its batches have stopped until the database recovers). Details: the worker's id, chunks
 * done and circuit state, and whether the coordinator runs here.
 */
public class PgbackfillHealthIndicator extends AbstractHealthIndicator {
    private final PgbackfillPool pool;
    private final Worker worker;
    private final boolean coordinator;

    public PgbackfillHealthIndicator(PgbackfillPool pool, Worker worker, boolean coordinator) {
        super("pgbackfill health check failed");
        this.pool = pool;
        this.worker = worker;
        this.coordinator = coordinator;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws SQLException {
        try (Connection c = pool.dataSource().getConnection()) {
            if (!c.isValid(2)) {
                builder.down().withDetail("database", "the connection did not answer within 2 s");
                return;
            }
        }
        builder.up().withDetail("coordinator", coordinator);
        if (worker != null) {
            CircuitBreaker.State circuit = worker.circuitState();
            builder.withDetail("worker", worker.id()).withDetail("chunksDone", worker.chunksDone()).withDetail("circuit", circuit.name());
            if (circuit == CircuitBreaker.State.OPEN) {
                builder.down().withDetail("reason", "the worker's circuit breaker is open: the database keeps failing, batches wait for it");
            }
        }
    }
}
