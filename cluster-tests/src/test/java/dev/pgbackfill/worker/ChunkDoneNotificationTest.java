package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.LeaseStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** A worker that finishes a chunk tells the coordinator, which completes the job without waiting for its tick. */
class ChunkDoneNotificationTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void completingAChunkNotifiesWithTheJobId() throws Exception {
        db.exec("CREATE TABLE nd (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO nd SELECT g, g FROM generate_series(1, 10) g");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "notify");
             Connection listener = ds.getConnection(); Statement st = listener.createStatement()) {
            st.execute("LISTEN " + ControlSchema.CHUNK_DONE_CHANNEL);
            ChunkTopic topic = topic(ds);
            try (ChunkPublisher publisher = new ChunkPublisher(topic);
                 Coordinator coordinator = new Coordinator(ds, publisher, CoordinatorSettings.defaults())) {
                long job = coordinator.launch(BackfillSpec.on("nd").set("b = a").batchSize(100).build(), "test");
                LeaseStore leases = new LeaseStore(ds, "w", Duration.ofSeconds(30));
                ChunkLease lease = leases.claim(new ChunkRequest(job, 0)).orElseThrow();

                assertThat(leases.complete(lease, 0)).isTrue();

                PGNotification[] notes = listener.unwrap(PGConnection.class).getNotifications(5_000);
                assertThat(notes).isNotNull();
                assertThat(Arrays.stream(notes).map(n -> n.getName() + ":" + n.getParameter()))
                        .containsExactly(ControlSchema.CHUNK_DONE_CHANNEL + ":" + job);
            }
        }
    }

    @Test
    void theJobSucceedsWhenItsLastChunkIsDoneEvenLongBeforeTheNextTick() throws Exception {
        db.exec("CREATE TABLE nt (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO nt SELECT g, g FROM generate_series(1, 10) g");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "notify")) {
            ChunkTopic topic = topic(ds);
            // one tick at start, the next an hour later: only the notification can complete the job in this test
            CoordinatorSettings hourlyTick = new CoordinatorSettings(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), 10);
            try (ChunkPublisher publisher = new ChunkPublisher(topic);
                 Coordinator coordinator = new Coordinator(ds, publisher, hourlyTick)) {
                long job = coordinator.launch(BackfillSpec.on("nt").set("b = a").batchSize(100).build(), "test");
                coordinator.start();
                Thread.sleep(500); // the first tick has run and found the job's chunk still open
                assertThat(coordinator.status(job).state()).isEqualTo(JobState.RUNNING);
                LeaseStore leases = new LeaseStore(ds, "w", Duration.ofSeconds(30));
                assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = " + job)).as("chunks").isEqualTo(1);
                ChunkLease lease = leases.claim(new ChunkRequest(job, 0)).orElseThrow();
                db.exec("UPDATE nt SET b = a"); // the chunk's batches, done by hand

                leases.complete(lease, 0);

                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (coordinator.status(job).state() == JobState.RUNNING && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(coordinator.status(job).state()).isEqualTo(JobState.SUCCEEDED);
            }
        }
    }

    private static ChunkTopic topic(HikariDataSource ds) {
        ControlSchema.install(ds);
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("notify"), 1, TestKafka.unique("g"));
        topic.ensureExists();
        return topic;
    }
}
