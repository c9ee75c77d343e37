package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.JobNotFoundException;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.throttle.Threshold;
import dev.pgbackfill.throttle.ThrottleSettings;
import dev.pgbackfill.worker.throttle.ThrottleController;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Throttling acts on running jobs, from settings in PostgreSQL, on every worker. */
class ThrottleTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static Cluster cluster;
    static final MutableClock clock = new MutableClock(Instant.parse("2026-07-15T12:00:00Z")); // a Wednesday

    @BeforeAll
    static void start() {
        cluster = new Cluster(db);
        for (int i = 0; i < 2; i++) {
            cluster.addWorker(WorkerSettings.defaults(1).withSweeps(4, Duration.ofMillis(100)),
                    pool -> new ThrottleController(pool, clock, new SimpleMeterRegistry()));
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static ThrottleSettings rate(double r) {
        return new ThrottleSettings(r, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void achievedRateIsWithinTenPercentOfTheTarget() throws Exception {
        db.exec("CREATE TABLE rl (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO rl SELECT g, g FROM generate_series(1, 9000) g; ANALYZE rl");
        Audit.install(db, "rl", "t.id");

        long job = cluster.launch(BackfillSpec.on("rl").set("b = a + 1").batchSize(100).chunkSize(4_500L).throttle(rate(1_000)).build());
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        double achieved = steadyRate("rl", 2);
        System.out.printf("rate limit: target 1000 rows/s, achieved %.0f rows/s (ratio %.3f)%n", achieved, achieved / 1_000);
        assertThat(achieved / 1_000).isBetween(0.9, 1.1);
    }

    /**
     * Rows per second in the steady state: from {@code afterSeconds} after the table's first audited update to its last
     * one (a fixed window's edges cut batches in two, which on a busy machine moves the figure by a batch or two).
     */
    static double steadyRate(String table, int afterSeconds) {
        return Double.parseDouble(db.queryString("""
                WITH s AS (SELECT min(at) + make_interval(secs => %d) AS t FROM audit_log WHERE tbl = '%s')
                SELECT (count(*) / extract(epoch FROM max(at) - (SELECT t FROM s)))::text
                  FROM audit_log WHERE tbl = '%s' AND at >= (SELECT t FROM s)""".formatted(afterSeconds, table, table)));
    }

    @Test
    void theRateHoldsAcrossWorkersWhenManyShortChunksStartAndEnd() throws Exception {
        db.exec("CREATE TABLE rs (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO rs SELECT g, g FROM generate_series(1, 5000) g; ANALYZE rs");
        Audit.install(db, "rs", "t.id");

        // 50 chunks of 100 rows: each lasts a tenth of a second at this rate, so both workers keep starting new ones
        long job = cluster.launch(BackfillSpec.on("rs").set("b = a + 1").batchSize(100).chunkSize(100L).throttle(rate(1_000)).build());
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        double achieved = steadyRate("rs", 1);
        System.out.printf("rate limit, short chunks: target 1000 rows/s, achieved %.0f rows/s (ratio %.3f)%n", achieved, achieved / 1_000);
        assertThat(achieved / 1_000).isBetween(0.9, 1.1);
        assertThat(Audit.rowsNotUpdatedOnce(db, "rs", "t.id")).isZero();
    }

    @Test
    void scheduleWindowPausesAndReleasesTheJobByItself() throws Exception {
        db.exec("CREATE TABLE sw (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO sw SELECT g, g FROM generate_series(1, 3000) g");
        clock.set(Instant.parse("2026-07-18T10:00:00Z")); // Saturday
        ThrottleSettings weekendsOff = new ThrottleSettings(null, "Mon-Fri 08:00-18:00 Europe/Berlin rate=5000; Sat-Sun paused; otherwise unlimited",
                null, null, null, null, null, null, null, null, null, null);

        long job = cluster.launch(BackfillSpec.on("sw").set("b = a").batchSize(100).throttle(weekendsOff).build());
        Thread.sleep(1_500);
        JobStatus waiting = cluster.coordinator.status(job);
        clock.set(Instant.parse("2026-07-20T06:30:00Z")); // Monday 08:30 in Berlin
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

        assertThat(waiting.state()).isEqualTo(JobState.RUNNING);
        assertThat(waiting.rowsDone()).isZero();
        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(3_000);
        clock.set(Instant.parse("2026-07-15T12:00:00Z"));
    }

    @Test
    void customProbeThrottlesAtItsThresholdAndPausesAtCritical() throws Exception {
        db.exec("CREATE TABLE knob (v int NOT NULL); INSERT INTO knob VALUES (1);"
                + "CREATE TABLE hp (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO hp SELECT g, g FROM generate_series(1, 4000) g");
        ThrottleSettings probe = new ThrottleSettings(null, null, null, null, null, null, null, null, null, null,
                "SELECT v FROM knob", new Threshold(1.0, 2.0));

        long job = cluster.launch(BackfillSpec.on("hp").set("b = a").batchSize(100).throttle(probe).build());
        Thread.sleep(1_500);
        JobStatus throttled = cluster.coordinator.status(job);
        db.exec("UPDATE knob SET v = 2");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cluster.coordinator.status(job).state() != JobState.PAUSED && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        JobStatus paused = cluster.coordinator.status(job);
        db.exec("UPDATE knob SET v = 0");
        cluster.coordinator.resume(job, "test", "probe healthy");
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

        assertThat(throttled.state()).isEqualTo(JobState.RUNNING);
        assertThat(throttled.rowsDone()).isZero();
        assertThat(throttled.throttleReason()).isEqualTo("throttled: probe 1 ≥ 1");
        assertThat(paused.state()).isEqualTo(JobState.PAUSED);
        assertThat(paused.throttleReason()).isEqualTo("paused by health: critical: probe 2 ≥ 2");
        assertThat(cluster.coordinator.jobs().events(job)).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo("health");
            assertThat(e.toState()).isEqualTo("PAUSED");
        });
        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(4_000);
    }

    @Test
    void sessionBlockedByABatchMakesTheJobBackOff() throws Exception {
        db.exec("CREATE TABLE lw (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO lw SELECT g, g FROM generate_series(1, 400) g");
        ThrottleSettings waiters = new ThrottleSettings(null, null, 5_000, 40, 40, null, null, null, new Threshold(1.0, null), null, null, null);
        // 50 ms per row, 40 rows a batch: each batch holds its row locks for about 2 s
        long job = cluster.launch(BackfillSpec.on("lw").set("b = a + 0 * length(pg_sleep(0.05)::text)").where("b IS NULL").batchSize(40).throttle(waiters).build());
        while (cluster.coordinator.status(job).rowsDone() == 0) {
            Thread.sleep(20);
        }
        Thread.sleep(500); // mid-batch: the running batch holds the rows it has reached
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread app = new Thread(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("UPDATE lw SET a = a"); // waits for the rows the running batch holds
            } catch (Exception e) {
                failure.set(e);
            }
        });
        app.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cluster.coordinator.jobs().events(job).stream().noneMatch(e -> "health".equals(e.kind()) && e.reason().contains("waiting on our locks"))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        app.join();
        cluster.coordinator.cancel(job, "test", "done checking");

        assertThat(failure.get()).isNull();
        assertThat(cluster.coordinator.jobs().events(job))
                .anySatisfy(e -> assertThat(e.reason()).isEqualTo("throttled: 1 session(s) waiting on our locks ≥ 1"));
    }

    @Test
    void adaptiveBatchSizeShrinksTowardTheTargetDuration() throws Exception {
        db.exec("CREATE TABLE ab (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO ab SELECT g, g FROM generate_series(1, 2000) g");
        ThrottleSettings fast = new ThrottleSettings(null, null, 20, 5, 1_000, null, null, null, null, null, null, null);

        // ~1 ms per row: a 1000-row batch takes about 1 s, 50 times the 20 ms target
        long job = cluster.launch(BackfillSpec.on("ab").set("b = a + 0 * length(pg_sleep(0.001)::text)").where("b IS NULL").batchSize(1_000)
                .chunkSize(2_000L).throttle(fast).build()); // one chunk: a worker's first batch of a chunk starts at the configured size
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        long batches = db.queryLong("SELECT sum(batches) FROM pgbackfill.chunk WHERE job_id = ?", job);
        assertThat(batches).as("batches of ~20 rows rather than 2 of 1000").isGreaterThan(20);
    }

    @Test
    void throttleChangesWhileRunningAndBadValuesChangeNothing() throws Exception {
        db.exec("CREATE TABLE tc (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO tc SELECT g, g FROM generate_series(1, 2000) g");
        long job = cluster.launch(BackfillSpec.on("tc").set("b = a").batchSize(100).throttle(rate(50)).build());
        Thread.sleep(300);

        ThrottleSettings before = cluster.coordinator.jobs().throttle(job);
        assertThatThrownBy(() -> cluster.coordinator.throttle(job, rate(-5), false, "test"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--rate must be a positive number");
        assertThatThrownBy(() -> cluster.coordinator.throttle(job, new ThrottleSettings(null, "Mon-Fri 25:00-26:00 rate=1", null, null, null, null,
                null, null, null, null, null, null), false, "test")).isInstanceOf(InvalidInputException.class).hasMessageContaining("rule 1");
        assertThatThrownBy(() -> cluster.coordinator.throttle(job, new ThrottleSettings(null, null, null, null, null, null, null, null, null, null,
                "SELECT nope FROM nowhere", null), false, "test")).isInstanceOf(InvalidInputException.class).hasMessageContaining("--probe failed");
        assertThatThrownBy(() -> cluster.coordinator.throttle(987_654, rate(10), false, "test")).isInstanceOf(JobNotFoundException.class);
        assertThat(cluster.coordinator.jobs().throttle(job)).isEqualTo(before);
        assertThat(cluster.coordinator.status(job).throttleReason()).isEqualTo("rate limit 50 rows/s");

        cluster.coordinator.throttle(job, null, true, "test"); // clear: full speed
        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(30));
        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(cluster.coordinator.jobs().events(job)).anySatisfy(e -> assertThat(e.kind()).isEqualTo("throttle"));
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
