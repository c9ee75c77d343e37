package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.embedded.PortForwarder;
import dev.pgbackfill.testkit.PrivatePostgres;
import dev.pgbackfill.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults during a multi-worker job on 200 000 rows: the database crashes and restarts, connections are cut,
 * the application writes to the same table all along, ten jobs share eight workers. Each ends with the job
 * SUCCEEDED, no chunk stuck, every row changed by the job at most once (exactly once where it had to change), and
 * the table equal to a single-statement reference.
 */
class FaultToleranceTest {
    static final int ROWS = Integer.getInteger("pgbackfill.reliability.rows", 200_000); // a soak run raises it

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** The table, a reference copy updated by one statement, and an audit of the job's updates (by its workers' sessions). */
    static void table(TestDatabase on, String name) {
        on.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO " + name + " SELECT g, g % 1000 FROM generate_series(1, " + ROWS + ") g; ANALYZE " + name + "; "
                + "CREATE TABLE " + name + "_ref AS SELECT * FROM " + name + "; UPDATE " + name + "_ref SET b = a * 2 + 1; "
                + "CREATE TABLE IF NOT EXISTS job_audit (tbl text, id bigint); "
                + "CREATE OR REPLACE FUNCTION audit_job() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "  IF current_setting('application_name') LIKE 'pgbackfill-test-worker%' THEN INSERT INTO job_audit VALUES (TG_TABLE_NAME, NEW.id); END IF; "
                + "  RETURN NEW; END $$; "
                + "CREATE TRIGGER audit AFTER UPDATE ON " + name + " FOR EACH ROW EXECUTE FUNCTION audit_job()");
    }

    static BackfillSpec spec(String table) {
        return BackfillSpec.on(table).set("b = a * 2 + 1").batchSize(500).chunkSize(10_000L).build();
    }

    static void assertExactlyOnceAndEqualToTheReference(TestDatabase on, String table) {
        assertThat(on.queryLong("SELECT count(*) FROM (SELECT id FROM job_audit WHERE tbl = ? GROUP BY id HAVING count(*) > 1) twice", table))
                .as("rows the job changed twice").isZero();
        assertThat(on.queryLong("SELECT count(*) FROM " + table + " t WHERE NOT EXISTS (SELECT 1 FROM job_audit j WHERE j.tbl = ? AND j.id = t.id)", table))
                .as("rows the job never changed").isZero();
        assertThat(on.queryString("SELECT md5(string_agg(concat_ws('|', id, a, b), ',' ORDER BY id)) FROM " + table))
                .isEqualTo(on.queryString("SELECT md5(string_agg(concat_ws('|', id, a, b), ',' ORDER BY id)) FROM " + table + "_ref"));
        assertThat(on.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE state <> 'DONE' AND job_id IN "
                + "(SELECT id FROM pgbackfill.job WHERE spec->>'table' = ?)", table)).isZero();
    }

    static void awaitRows(Cluster cluster, long job, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.coordinator.status(job).rowsDone() < rows && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void aPostgresCrashAndRestartMidRunLosesNoRowAndAppliesNoneTwice() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null,
                "no PostgreSQL server binaries to run a private cluster (install postgresql, or set PGBACKFILL_PG_BIN)");
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            TestDatabase own = TestDatabase.on(pg).create("pgcrash");
            table(own, "crash");
            try (Cluster cluster = new Cluster(own).withWorkers(3)) {
                long job = cluster.launch(spec("crash"));
                awaitRows(cluster, job, ROWS / 4);

                pg.crashAndRestart(); // pg_ctl stop -m immediate: no shutdown checkpoint, WAL recovery on start
                JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(180));

                assertThat(s.state()).as(s.lastError()).isEqualTo(JobState.SUCCEEDED);
                assertThat(s.rowsDone()).isEqualTo(ROWS);
            }
            assertExactlyOnceAndEqualToTheReference(own, "crash");
        }
    }

    @Test
    void connectionsCutThreeTimesMidRunLoseNoRowAndApplyNoneTwice() throws Exception {
        table(db, "cut");
        String host = db.url().replaceFirst("^jdbc:postgresql://([^:/]+).*$", "$1");
        int port = Integer.parseInt(db.url().replaceFirst("^jdbc:postgresql://[^:/]+:(\\d+)/.*$", "$1"));
        try (PortForwarder proxy = PortForwarder.to(host, port);
             Cluster cluster = new Cluster(db, db.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/")).withWorkers(3)) {
            long job = cluster.launch(spec("cut"));
            for (int i = 1; i <= 3; i++) {
                awaitRows(cluster, job, (long) ROWS * i / 5);
                // right after the previous cut the pool may not have reconnected yet: cut the next live connections
                int cut = 0;
                for (long until = System.nanoTime() + 10_000_000_000L; cut == 0 && System.nanoTime() < until; Thread.sleep(10)) {
                    cut = proxy.cutAll();
                }
                assertThat(cut).as("worker connections cut").isPositive();
            }
            JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(180));

            assertThat(s.state()).as(s.lastError()).isEqualTo(JobState.SUCCEEDED);
            assertThat(proxy.cut()).isGreaterThanOrEqualTo(3);
        }
        assertExactlyOnceAndEqualToTheReference(db, "cut");
    }

    @Test
    void aKafkaBrokerThatRestartsEmptyMidRunLosesNoRowAndAppliesNoneTwice() throws Exception {
        table(db, "kafka");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        dev.pgbackfill.embedded.EmbeddedKafka kafka = dev.pgbackfill.embedded.EmbeddedKafka.start(port, 8);
        try (Cluster cluster = new Cluster(db, db.url(), kafka.bootstrap()).withWorkers(3)) {
            long job = cluster.launch(spec("kafka"));
            awaitRows(cluster, job, ROWS / 4);

            kafka.close(); // the broker goes away with every topic, offset and group it had
            Thread.sleep(3_000);
            kafka = dev.pgbackfill.embedded.EmbeddedKafka.start(port, 8); // a new, empty broker behind the same address
            JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(240));

            assertThat(s.state()).as(s.lastError()).isEqualTo(JobState.SUCCEEDED);
            assertThat(s.rowsDone()).isEqualTo(ROWS);
        } finally {
            kafka.close();
        }
        assertExactlyOnceAndEqualToTheReference(db, "kafka");
    }

    @Test
    void applicationWritesDuringTheWholeJobEndEqualToTheReferenceComputedAfterIt() throws Exception {
        db.exec("CREATE TABLE live (id bigint PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO live SELECT g, g % 1000 FROM generate_series(1, " + ROWS + ") g; ANALYZE live; "
                // the expand phase's sync trigger: the new application version keeps b right for the rows it writes
                + "CREATE FUNCTION live_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "  IF current_setting('application_name') LIKE 'oltp%' THEN NEW.b := NEW.a * 2 + 1; END IF; RETURN NEW; END $$; "
                + "CREATE TRIGGER live_sync BEFORE INSERT OR UPDATE ON live FOR EACH ROW EXECUTE FUNCTION live_sync(); "
                + "CREATE TABLE IF NOT EXISTS job_audit (tbl text, id bigint); "
                + "CREATE OR REPLACE FUNCTION audit_job() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "  IF current_setting('application_name') LIKE 'pgbackfill-test-worker%' THEN INSERT INTO job_audit VALUES (TG_TABLE_NAME, NEW.id); END IF; "
                + "  RETURN NEW; END $$; "
                + "CREATE TRIGGER audit AFTER UPDATE ON live FOR EACH ROW EXECUTE FUNCTION audit_job()");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        String oltpUrl = db.url() + (db.url().contains("?") ? "&" : "?") + "ApplicationName=oltp";
        for (int w = 0; w < 3; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> {
                try (Connection c = java.sql.DriverManager.getConnection(oltpUrl);
                     PreparedStatement insert = c.prepareStatement("INSERT INTO live (id, a) VALUES (?, ?)");
                     PreparedStatement update = c.prepareStatement("UPDATE live SET a = a + 1 WHERE id = ?");
                     PreparedStatement delete = c.prepareStatement("DELETE FROM live WHERE id = ?")) {
                    long next = ROWS + 1 + writer * 1_000_000L;
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (running.get()) {
                        switch (random.nextInt(3)) {
                            case 0 -> {
                                insert.setLong(1, next++);
                                insert.setInt(2, random.nextInt(1000));
                                insert.executeUpdate();
                            }
                            case 1 -> {
                                update.setLong(1, 1 + random.nextInt(ROWS));
                                update.executeUpdate();
                            }
                            default -> {
                                delete.setLong(1, 1 + random.nextInt(ROWS));
                                delete.executeUpdate();
                            }
                        }
                        writes.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        JobStatus s;
        try (Cluster cluster = new Cluster(db).withWorkers(3)) {
            long job = cluster.launch(spec("live"));
            s = cluster.awaitFinished(job, Duration.ofSeconds(180));
        } finally {
            running.set(false);
            for (Thread t : writers) {
                t.join();
            }
        }

        assertThat(s.state()).as(s.lastError()).isEqualTo(JobState.SUCCEEDED);
        assertThat(writes.get()).as("application writes during the job").isGreaterThan(1_000);
        assertThat(db.queryLong("SELECT count(*) FROM live WHERE b IS DISTINCT FROM a * 2 + 1")).as("rows differing from the reference").isZero();
        assertThat(db.queryLong("SELECT count(*) FROM (SELECT id FROM job_audit WHERE tbl = 'live' GROUP BY id HAVING count(*) > 1) twice")).isZero();
    }

    @Test
    void tenJobsOnFiveTablesWithEightWorkersEachFinishExactly() throws Exception {
        int rows = 40_000;
        for (int t = 0; t < 5; t++) {
            db.exec("CREATE TABLE load" + t + " (id bigint PRIMARY KEY, a int NOT NULL, b int, c int); "
                    + "INSERT INTO load" + t + " SELECT g, g % 777 FROM generate_series(1, " + rows + ") g; ANALYZE load" + t);
        }
        try (Cluster cluster = new Cluster(db).withWorkers(8)) {
            List<Long> jobs = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                jobs.add(cluster.launch(BackfillSpec.on("load" + t).set("b = a + " + t).batchSize(500).chunkSize(5_000L).build()));
                jobs.add(cluster.launch(BackfillSpec.on("load" + t).set("c = a - " + t).batchSize(500).chunkSize(5_000L).build()));
            }
            for (long job : jobs) {
                JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(240));
                assertThat(s.state()).as("job " + job + ": " + s.lastError()).isEqualTo(JobState.SUCCEEDED);
                assertThat(s.rowsDone()).as("job " + job).isEqualTo(rows);
            }
        }
        for (int t = 0; t < 5; t++) {
            assertThat(db.queryLong("SELECT count(*) FROM load" + t + " WHERE b IS DISTINCT FROM a + " + t + " OR c IS DISTINCT FROM a - " + t))
                    .as("load" + t).isZero();
        }
    }
}
