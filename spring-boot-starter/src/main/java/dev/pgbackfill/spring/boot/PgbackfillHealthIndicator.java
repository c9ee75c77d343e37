package dev.pgbackfill.spring.boot;

import dev.pgbackfill.worker.Worker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code /actuator/health/pgbackfill}: DOWN when pgbackfill's pool cannot reach the database. The worker's circuit
 * breaker is a detail, not a status: it opens on failing chunks of any cause and only closes when the next chunk
 * request arrives, so an application must not be reported DOWN (and restarted by its orchestrator) for it. Details:
 * the worker's id, chunks done and circuit state, and whether the coordinator runs here.
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
                builder.withDetail("reason", "the worker's circuit breaker is open: its recent chunks failed; it takes chunks again after a pause");
            }
        }
    }
}
