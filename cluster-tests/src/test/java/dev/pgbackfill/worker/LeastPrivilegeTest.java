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

/**
 * Workers run as a database role with only the grants docs/operations.md lists: the job succeeds; without UPDATE
 * on the target it fails with the permission error and changes nothing.
 */
class LeastPrivilegeTest {
    static final String ROLE = "pgbf_worker_" + ProcessHandle.current().pid();

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @BeforeAll
    static void role() {
        db.exec("DROP ROLE IF EXISTS " + ROLE + "; CREATE ROLE " + ROLE + " LOGIN");
    }

    @AfterAll
    static void dropRole() {
        db.exec("DROP OWNED BY " + ROLE + "; DROP ROLE IF EXISTS " + ROLE);
    }

    static String workerUrl() {
        String url = db.url();
        return url.contains("user=") ? url.replaceFirst("user=[^&]*", "user=" + ROLE) : url + (url.contains("?") ? "&" : "?") + "user=" + ROLE;
    }

    /** The documented grants for a worker, on the control schema (which the coordinator, as owner, installed). */
    static void grantControlSchema() {
        db.exec("GRANT USAGE ON SCHEMA pgbackfill TO " + ROLE + "; "
                + "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgbackfill TO " + ROLE + "; "
                + "GRANT USAGE ON ALL SEQUENCES IN SCHEMA pgbackfill TO " + ROLE);
    }

    @Test
    void anUpgradeGivesTheRateClocksToRolesGrantedBeforeThem() throws Exception {
        try (var ds = dev.pgbackfill.db.Database.open(dev.pgbackfill.db.DbConfig.of(db.url(), null, null), 4, "upgrade")) {
            dev.pgbackfill.db.ControlSchema.install(ds);
        }
        String early = "pgbf_t_early_worker";
        db.exec("DROP ROLE IF EXISTS " + early + "; CREATE ROLE " + early + "; GRANT UPDATE ON pgbackfill.chunk TO " + early
                + "; REVOKE ALL ON pgbackfill.rate_clock FROM " + early); // as if granted before V3 created the table
        try {
            String v4 = new String(getClass().getResourceAsStream("/db/pgbackfill/V4__rate_clock_grants.sql").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);

            db.exec(v4);

            assertThat(db.queryString("SELECT has_table_privilege('" + early + "', 'pgbackfill.rate_clock', 'SELECT, INSERT, UPDATE')::text"))
                    .isEqualTo("true");
        } finally {
            db.exec("DROP OWNED BY " + early + "; DROP ROLE IF EXISTS " + early);
        }
    }

    @Test
    void workersWithOnlyTheDocumentedGrantsFinishTheJob() throws Exception {
        db.exec("CREATE TABLE lp (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO lp SELECT g, g FROM generate_series(1, 20000) g; "
                + "CREATE TABLE lp_owner_only (x int)");
        Audit.install(db, "lp", "t.id");
        try (Cluster cluster = new Cluster(db, workerUrl())) {
            grantControlSchema();
            db.exec("GRANT SELECT, UPDATE ON lp TO " + ROLE + "; GRANT INSERT ON audit_log TO " + ROLE);
            cluster.withWorkers(2);

            JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("lp").set("b = a * 3").batchSize(500).chunkSize(5_000L).build()),
                    Duration.ofSeconds(60));

            assertThat(s.state()).as(s.lastError()).isEqualTo(JobState.SUCCEEDED);
        }
        assertThat(db.queryLong("SELECT count(*) FROM lp WHERE b = a * 3")).isEqualTo(20_000);
        assertThat(Audit.rowsNotUpdatedOnce(db, "lp", "t.id")).isZero();
        assertThat(db.queryString("SELECT has_table_privilege('" + ROLE + "', 'lp_owner_only', 'SELECT')::text")).isEqualTo("false");
    }

    @Test
    void withoutUpdateOnTheTargetTheJobFailsWithThePermissionErrorAndChangesNothing() throws Exception {
        db.exec("CREATE TABLE lp2 (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO lp2 SELECT g, g FROM generate_series(1, 2000) g");
        try (Cluster cluster = new Cluster(db, workerUrl())) {
            grantControlSchema();
            db.exec("GRANT SELECT ON lp2 TO " + ROLE);
            cluster.withWorkers(1);

            JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("lp2").set("b = a * 3").batchSize(500).chunkSize(5_000L).build()),
                    Duration.ofSeconds(60));

            assertThat(s.state()).isEqualTo(JobState.FAILED);
            assertThat(s.lastError()).contains("42501").contains("permission denied");
        }
        assertThat(db.queryLong("SELECT count(*) FROM lp2 WHERE b IS NOT NULL")).isZero();
    }
}
