package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobSpec;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job's status tells the whole story: its spec, the triggers that fire for its rows (and {@code --disable-triggers}
 * really keeps the ordinary ones quiet), and rows changed again after the final check reopened a chunk, counted apart
 * so that rowsDone never exceeds the rows that changed. One worker thread, so chunks run one after the other.
 */
class TriggersAndResweptRowsTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = new Cluster(db).withThrottledWorkers(1);
        db.exec("CREATE FUNCTION tr_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO tr_fired VALUES (TG_NAME); RETURN NEW; END $$; "
                + "CREATE TABLE tr_fired (name text NOT NULL)");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void theStatusShowsTheSpecAndTheTriggersThatFireForEveryRow() throws Exception {
        db.exec("CREATE TABLE tr_orders (id bigint PRIMARY KEY, total numeric NOT NULL, total_cents bigint); "
                + "INSERT INTO tr_orders SELECT g, g / 100.0 FROM generate_series(1, 3000) g; ANALYZE tr_orders; "
                + "CREATE TRIGGER orders_changed AFTER UPDATE ON tr_orders FOR EACH ROW EXECUTE FUNCTION tr_log()");
        ThrottleSettings rate = Json.read("{\"rate\":50000}", ThrottleSettings.class);

        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("tr_orders").set("total_cents = (total * 100)::bigint")
                .batchSize(400).chunkSize(1_000L).throttle(rate).build()), Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        JobSpec spec = s.spec();
        assertThat(spec.set()).containsExactly("total_cents = (total * 100)::bigint");
        assertThat(spec.where()).isNull();
        assertThat(spec.predicate()).isEqualTo("t.\"total_cents\" IS DISTINCT FROM CAST(((total * 100)::bigint) AS bigint)");
        assertThat(spec.key()).containsExactly("id");
        assertThat(spec.batchSize()).isEqualTo(400);
        assertThat(spec.chunkSize()).isEqualTo(1_000);
        assertThat(spec.throttle().rate()).isEqualTo(50_000.0);
        assertThat(spec.triggers()).containsExactly("orders_changed (AFTER UPDATE, each row)");
        assertThat(spec.disableTriggers()).isFalse();
        assertThat(spec.connectedAs()).isEqualTo(db.queryString("SELECT current_user"));
        assertThat(db.queryLong("SELECT count(*) FROM tr_fired WHERE name = 'orders_changed'")).isEqualTo(3_000);
    }

    @Test
    void disableTriggersKeepsOrdinaryTriggersQuietAndAlwaysTriggersFiring() throws Exception {
        db.exec("CREATE TABLE tr_quiet (id bigint PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO tr_quiet SELECT g, g FROM generate_series(1, 4000) g; ANALYZE tr_quiet; "
                + "CREATE TRIGGER quiet_ordinary AFTER UPDATE ON tr_quiet FOR EACH ROW EXECUTE FUNCTION tr_log()");
        Audit.install(db, "tr_quiet", "t.id");
        db.exec("ALTER TABLE tr_quiet ENABLE ALWAYS TRIGGER " + db.queryString(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'tr_quiet'::regclass AND tgname LIKE 'audit_%'"));

        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("tr_quiet").set("b = a * 2").batchSize(500).chunkSize(1_000L)
                .disableTriggers().build()), Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(4_000);
        assertThat(db.queryLong("SELECT count(*) FROM tr_quiet WHERE b IS DISTINCT FROM a * 2")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM tr_fired WHERE name = 'quiet_ordinary'")).as("ordinary trigger fired").isZero();
        assertThat(Audit.rowsNotUpdatedOnce(db, "tr_quiet", "t.id")).as("the ALWAYS audit trigger saw each row once").isZero();
        assertThat(s.spec().disableTriggers()).isTrue();
        assertThat(s.spec().triggers()).singleElement().asString().endsWith("(AFTER UPDATE, each row, ALWAYS)");
    }

    @Test
    void rowsChangedBackAfterTheirChunkFinishedAreCountedApartFromRowsDone() throws Exception {
        db.exec("CREATE TABLE tr_back (id bigint PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO tr_back SELECT g, g FROM generate_series(1, 6000) g; ANALYZE tr_back");
        ThrottleSettings slow = Json.read("{\"rate\":3000}", ThrottleSettings.class);
        long job = cluster.launch(BackfillSpec.on("tr_back").set("b = a + 1").batchSize(250).chunkSize(2_000L).throttle(slow).build());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND state = 'DONE'", job) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        cluster.coordinator.pause(job, "test", "the application writes old values back");
        assertThat(cluster.coordinator.status(job).state()).as("paused before the job finished").isEqualTo(JobState.PAUSED);
        // the first 100 rows of a chunk that is done (chunks run in any order: Kafka partitions)
        long from = db.queryLong("SELECT coalesce((lo->>0)::bigint, 0) FROM pgbackfill.chunk WHERE job_id = ? AND state = 'DONE' "
                + "ORDER BY chunk_no LIMIT 1", job);
        db.exec("UPDATE tr_back SET b = NULL WHERE id > " + from + " AND id <= " + (from + 100));
        cluster.coordinator.resume(job, "test", "go on");

        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(6_000);
        assertThat(s.rowsReswept()).isEqualTo(100);
        assertThat(db.queryLong("SELECT count(*) FROM tr_back WHERE b IS DISTINCT FROM a + 1")).isZero();
    }
}
