package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data path end to end: a coordinator and three workers (separate Kafka consumers of one group) on a real
 * PostgreSQL and a real broker. An audit trigger records every update, so "each row changed exactly once" is checked
 * row by row, and the result is compared with what a single UPDATE would have produced.
 */
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

    private static BackfillSpec spec(String table, String set) {
        return BackfillSpec.on(table).set(set).batchSize(500).chunkSize(2_000L).build();
    }

    private static JobStatus run(BackfillSpec spec) throws InterruptedException {
        return cluster.awaitFinished(cluster.launch(spec), Duration.ofSeconds(90));
    }

    @Test
    void aSmallTableIsCutSoThatEveryWorkerGetsWork() throws Exception {
        db.exec("CREATE TABLE small16k (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO small16k SELECT g, g FROM generate_series(1, 16000) g; "
                + "ANALYZE small16k");
        Audit.install(db, "small16k", "t.id");

        JobStatus s = run(BackfillSpec.on("small16k").set("b = a + 3").build()); // the planner's own chunk size

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.chunksTotal()).as("two chunks per live worker thread at least").isGreaterThanOrEqualTo(2 * cluster.workers.size());
        assertThat(Audit.rowsNotUpdatedOnce(db, "small16k", "t.id")).isZero();
    }

    @Test
    void bigintKeyEveryRowChangedExactlyOnceByThreeWorkers() throws Exception {
        db.exec("CREATE TABLE big (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO big SELECT g, g FROM generate_series(1, 30000) g; ANALYZE big");
        Audit.install(db, "big", "t.id");

        JobStatus s = run(spec("big", "b = a * 2"));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(30_000);
        assertThat(s.chunksTotal()).isEqualTo(15);
        assertThat(db.queryLong("SELECT count(*) FROM big WHERE b IS DISTINCT FROM a * 2")).isZero();
        assertThat(Audit.rowsNotUpdatedOnce(db, "big", "t.id")).isZero();
        assertThat(cluster.workers.stream().filter(w -> w.chunksDone() > 0).count()).as("workers that did chunks").isGreaterThan(1);
    }

    @Test
    void uuidKeyIsPlannedBySamplingAndCoveredExactlyOnce() throws Exception {
        db.exec("CREATE TABLE u (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text NOT NULL, email_new text);"
                + "INSERT INTO u (email) SELECT 'User' || g || '@X.COM' FROM generate_series(1, 20000) g; ANALYZE u");
        Audit.install(db, "u", "t.id");

        JobStatus s = run(spec("u", "email_new = lower(email)"));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(20_000);
        assertThat(s.chunksTotal()).isGreaterThan(3);
        assertThat(db.queryLong("SELECT count(*) FROM u WHERE email_new IS DISTINCT FROM lower(email)")).isZero();
        assertThat(Audit.rowsNotUpdatedOnce(db, "u", "t.id")).isZero();
    }

    @Test
    void textKeyIsCoveredExactlyOnce() throws Exception {
        db.exec("CREATE TABLE tk (code text PRIMARY KEY, n int NOT NULL, m int);"
                + "INSERT INTO tk SELECT md5(g::text), g FROM generate_series(1, 8000) g; ANALYZE tk");
        Audit.install(db, "tk", "t.code");

        JobStatus s = run(spec("tk", "m = n + 1"));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(8_000);
        assertThat(Audit.rowsNotUpdatedOnce(db, "tk", "t.code")).isZero();
    }

    @Test
    void compositeKeyWalksByRowComparison() throws Exception {
        db.exec("CREATE TABLE ck (tenant int NOT NULL, id bigint NOT NULL, v int NOT NULL, w int, PRIMARY KEY (tenant, id));"
                + "INSERT INTO ck SELECT g % 7, g, g FROM generate_series(1, 14000) g; ANALYZE ck");
        Audit.install(db, "ck", "t.tenant || '/' || t.id");

        JobStatus s = run(spec("ck", "w = v - 1"));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(14_000);
        assertThat(s.chunksTotal()).isGreaterThan(1);
        assertThat(Audit.rowsNotUpdatedOnce(db, "ck", "t.tenant || '/' || t.id")).isZero();
    }

    @Test
    void mixedCaseQuotedTableAndColumnsWork() throws Exception {
        db.exec("CREATE SCHEMA sales; CREATE TABLE sales.\"Order Items\" (\"Id\" bigint PRIMARY KEY, \"Total\" numeric NOT NULL, \"Total Cents\" bigint);"
                + "INSERT INTO sales.\"Order Items\" SELECT g, g / 100.0 FROM generate_series(1, 5000) g");

        JobStatus s = run(BackfillSpec.on("sales.\"Order Items\"").set("\"Total Cents\" = (\"Total\" * 100)::bigint").batchSize(400).build());

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(5_000);
        assertThat(db.queryLong("SELECT count(*) FROM sales.\"Order Items\" WHERE \"Total Cents\" IS DISTINCT FROM \"Id\"")).isZero();
    }

    @Test
    void emptyAndOneRowTablesSucceed() throws Exception {
        db.exec("CREATE TABLE empty_t (id int PRIMARY KEY, a int, b int); CREATE TABLE one_t (id int PRIMARY KEY, a int, b int); INSERT INTO one_t VALUES (1, 41, NULL)");

        JobStatus empty = run(spec("empty_t", "b = a + 1"));
        JobStatus one = run(spec("one_t", "b = a + 1"));

        assertThat(empty.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(empty.rowsDone()).isZero();
        assertThat(one.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(one.rowsDone()).isEqualTo(1);
        assertThat(db.queryLong("SELECT b FROM one_t")).isEqualTo(42);
    }

    @Test
    void fromJoinBackfillsForeignKeyLikeTheSeed() throws Exception {
        db.exec("""
                CREATE TABLE fk_users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), legacy_id int UNIQUE NOT NULL);
                CREATE TABLE fk_orders (id bigint PRIMARY KEY, legacy_user_id int NOT NULL, user_id uuid);
                INSERT INTO fk_users (legacy_id) SELECT g FROM generate_series(1, 500) g;
                INSERT INTO fk_orders SELECT g, 1 + g % 500 FROM generate_series(1, 6000) g;
                ANALYZE fk_users; ANALYZE fk_orders""");
        Audit.install(db, "fk_orders", "t.id");

        JobStatus s = run(BackfillSpec.on("fk_orders").set("user_id = u.id").from("fk_users u", "u.legacy_id = t.legacy_user_id").batchSize(500).chunkSize(2_000L).build());

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(6_000);
        assertThat(db.queryLong("SELECT count(*) FROM fk_orders o JOIN fk_users u ON u.legacy_id = o.legacy_user_id WHERE o.user_id IS DISTINCT FROM u.id")).isZero();
        assertThat(Audit.rowsNotUpdatedOnce(db, "fk_orders", "t.id")).isZero();
    }

    @Test
    void rowsInsertedDuringTheRunAreIncluded() throws Exception {
        db.exec("CREATE TABLE ins (id bigserial PRIMARY KEY, a int NOT NULL, b int); INSERT INTO ins (a) SELECT g FROM generate_series(1, 20000) g; ANALYZE ins");
        Audit.install(db, "ins", "t.id");
        AtomicBoolean inserting = new AtomicBoolean(true);
        AtomicLong inserted = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                while (inserting.get()) {
                    st.execute("INSERT INTO ins (a) SELECT g FROM generate_series(1, 50) g");
                    inserted.addAndGet(50);
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long job;
        try (Connection holder = db.connect()) {
            // a row held by another session keeps the job running (it is retried, never skipped) until the inserts stop
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM ins WHERE id = 10000 FOR UPDATE");
            }
            writer.start();
            job = cluster.launch(spec("ins", "b = a + 7"));
            Thread.sleep(300);
            inserting.set(false);
            writer.join();
            assertThat(cluster.coordinator.status(job).state()).as("the job was still running when the inserts stopped").isEqualTo(JobState.RUNNING);
            holder.commit();
        }
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(90));

        assertThat(inserted.get()).isGreaterThan(0);
        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        // rows inserted into a chunk that had already finished are changed by its reopened pass: counted apart
        assertThat(s.rowsDone() + s.rowsReswept()).isEqualTo(20_000 + inserted.get());
        assertThat(s.rowsDone()).isBetween(20_000L, 20_000 + inserted.get());
        assertThat(db.queryLong("SELECT count(*) FROM ins WHERE b IS DISTINCT FROM a + 7")).isZero();
        assertThat(Audit.rowsNotUpdatedOnce(db, "ins", "t.id")).isZero();
    }

    @Test
    void rowsInsertedIntoFinishedChunksAreSweptBeforeSuccess() throws Exception {
        db.exec("CREATE TABLE late (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), a int NOT NULL, b int); INSERT INTO late (a) SELECT g FROM generate_series(1, 10000) g; ANALYZE late");
        // a trigger-free way to land rows in already finished ranges: insert while the job runs, random uuids spread everywhere
        long job;
        try (Connection holder = db.connect()) {
            // a row held by another session keeps the job running until the inserts stop: rows inserted after a job has
            // finished are the application's to write, and this test is about the ones inserted during the run
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM late WHERE a = 5000 FOR UPDATE");
            }
            job = cluster.launch(spec("late", "b = a + 3"));
            for (int i = 0; i < 10; i++) {
                db.exec("INSERT INTO late (a) SELECT g FROM generate_series(1, 20) g");
                Thread.sleep(20);
            }
            assertThat(cluster.coordinator.status(job).state()).as("the job was still running when the inserts stopped").isEqualTo(JobState.RUNNING);
            holder.commit();
        }
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(90));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(db.queryLong("SELECT count(*) FROM late WHERE b IS DISTINCT FROM a + 3")).isZero();
    }

    @Test
    void rowsLockedByAnotherSessionForPartOfTheRunAreRetriedNotSkipped() throws Exception {
        db.exec("CREATE TABLE lk (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO lk SELECT g, g FROM generate_series(1, 10000) g; ANALYZE lk");
        Audit.install(db, "lk", "t.id");
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM lk WHERE id IN (5, 5000, 9999) FOR UPDATE");
            }
            long job = cluster.launch(spec("lk", "b = a + 5"));
            Thread.sleep(700);
            assertThat(cluster.coordinator.status(job).state()).as("not done while rows are held").isEqualTo(JobState.RUNNING);
            holder.commit();
            JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(90));

            assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(s.rowsDone()).isEqualTo(10_000);
            assertThat(s.stuckRows()).isZero();
        }
        assertThat(Audit.rowsNotUpdatedOnce(db, "lk", "t.id")).isZero();
    }

    @Test
    void rowsHeldThroughEverySweepAreReportedStuckAndTheJobResumesAfterRelease() throws Exception {
        db.exec("CREATE TABLE st (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO st SELECT g, g FROM generate_series(1, 3000) g; ANALYZE st");
        Audit.install(db, "st", "t.id");
        long job;
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM st WHERE id IN (7, 8) FOR UPDATE");
            }
            job = cluster.launch(spec("st", "b = a + 1"));
            JobStatus failed = cluster.awaitFinished(job, Duration.ofSeconds(90));

            assertThat(failed.state()).isEqualTo(JobState.FAILED);
            assertThat(failed.stuckRows()).isEqualTo(2);
            assertThat(failed.rowsDone()).isEqualTo(2_998);
            assertThat(failed.lastError()).contains("2 row(s)");
            holder.commit();
        }
        cluster.coordinator.resume(job, "test", "locks released");
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(90));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(3_000);
        assertThat(Audit.rowsNotUpdatedOnce(db, "st", "t.id")).isZero();
    }

    @Test
    void pauseStopsEveryCommitAndResumeFinishesExactlyOnce() throws Exception {
        db.exec("CREATE TABLE pz (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO pz SELECT g, g FROM generate_series(1, 40000) g; ANALYZE pz");
        Audit.install(db, "pz", "t.id");
        long job = cluster.launch(BackfillSpec.on("pz").set("b = a + 9").batchSize(100).chunkSize(4_000L).build());
        while (cluster.coordinator.status(job).rowsDone() == 0) {
            Thread.sleep(10);
        }
        cluster.coordinator.pause(job, "test", "checking the barrier");
        String pausedAt = db.queryString("SELECT max(at)::text FROM pgbackfill.job_event WHERE job_id = ? AND to_state = 'PAUSED'", job);
        long doneAtPause = cluster.coordinator.status(job).rowsDone();
        Thread.sleep(1_000);

        assertThat(db.queryLong("SELECT count(*) FROM audit_log WHERE tbl = 'pz' AND at > ?::timestamptz", pausedAt)).as("updates after pause").isZero();
        assertThat(cluster.coordinator.status(job).rowsDone()).isEqualTo(doneAtPause).isLessThan(40_000);
        assertThat(cluster.coordinator.status(job).state()).isEqualTo(JobState.PAUSED);

        cluster.coordinator.resume(job, "test", null);
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(120));
        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(40_000);
        assertThat(Audit.rowsNotUpdatedOnce(db, "pz", "t.id")).isZero();
    }

    @Test
    void cancelStopsTheJobAndKeepsDoneRows() throws Exception {
        db.exec("CREATE TABLE cx (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO cx SELECT g, g FROM generate_series(1, 40000) g; ANALYZE cx");
        long job = cluster.launch(BackfillSpec.on("cx").set("b = a").batchSize(100).chunkSize(4_000L).build());
        while (cluster.coordinator.status(job).rowsDone() == 0) {
            Thread.sleep(10);
        }
        cluster.coordinator.cancel(job, "test", "wrong expression");
        long done = cluster.coordinator.status(job).rowsDone();
        Thread.sleep(800);

        JobStatus s = cluster.coordinator.status(job);
        assertThat(s.state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.rowsDone()).isEqualTo(done).isLessThan(40_000);
        assertThat(db.queryLong("SELECT count(*) FROM cx WHERE b IS NOT NULL")).isEqualTo(done);
    }

    @Test
    void anErrorNoRetryCanCureFailsTheJobWithItsSqlState() throws Exception {
        db.exec("CREATE TABLE dz (id bigint PRIMARY KEY, a int NOT NULL, d int NOT NULL, b int); "
                + "INSERT INTO dz SELECT g, g, CASE WHEN g = 777 THEN 0 ELSE 1 END FROM generate_series(1, 2000) g");

        JobStatus s = cluster.awaitFinished(cluster.launch(spec("dz", "b = a / d")), Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.FAILED);
        assertThat(s.lastError()).contains("SQLSTATE 22012").contains("division by zero");
    }

    @Test
    void aFailedJobNamesTheChunksKeyRangeAndTheFailingRow() throws Exception {
        db.exec("CREATE TABLE fk_row (id bigint PRIMARY KEY, a int NOT NULL, b int CHECK (b <> 1500)); "
                + "INSERT INTO fk_row SELECT g, g FROM generate_series(1, 2000) g");

        JobStatus s = cluster.awaitFinished(cluster.launch(spec("fk_row", "b = a")), Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.FAILED);
        assertThat(s.lastError()).containsPattern("chunk \\d+ \\(keys \\(.*\\]?\\)? failed").contains("SQLSTATE 23514")
                .contains("Failing row contains (1500, 1500, 1500)");
    }
}
