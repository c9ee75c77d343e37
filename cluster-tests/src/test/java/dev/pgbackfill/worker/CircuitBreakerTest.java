package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.worker.throttle.Throttle;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** A worker whose database keeps failing stops taking chunks instead of hammering it. */
class CircuitBreakerTest {

    @Test
    void workerStopsClaimingWhileTheDatabaseRefusesConnections() throws Exception {
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setURL("jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1");
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("cb"), 1, TestKafka.unique("cb-group"));
        topic.ensureExists();
        List<ChunkRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(new ChunkRequest(1, i));
        }
        try (ChunkPublisher publisher = new ChunkPublisher(topic)) {
            publisher.publish(requests);
        }

        try (Worker worker = new Worker(unreachable, topic, WorkerSettings.defaults(1), Throttle.NONE).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (worker.circuitState() != CircuitBreaker.State.OPEN && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(worker.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        }
    }
}
