package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DistributedBackfillTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = new Cluster(db).withWorkers(3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void bigintKeyEveryRowChangedExactlyOnceByThreeWorkers() throws Exception {
        db.exec("CREATE TABLE big (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO big SELECT g, g FROM generate_series(1, 30000) g; ANALYZE big");
        Audit.install(db, "big", "t.id");

        long job = cluster.launch(new BackfillSpec("big", List.of("b = a * 2"), null, null, null, null, 500, 2_000L));
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(30_000);
        assertThat(s.chunksTotal()).isEqualTo(15);
        assertThat(db.queryLong("SELECT count(*) FROM big WHERE b IS DISTINCT FROM a * 2")).isZero();
        assertThat(Audit.rowsNotUpdatedOnce(db, "big", "t.id")).isZero();
        assertThat(cluster.workers.stream().filter(w -> w.chunksDone() > 0).count()).as("workers that did chunks").isGreaterThan(1);
    }
}
