package dev.pgbackfill.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.coordinator.health.Probe;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.job.JobPlan;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What launch finds about the table and shows the operator (the triggers that fire for every backfilled row, the
 * partitions, the role), and {@code --disable-triggers}: where it is allowed, and where it is refused with nothing changed.
 */
class TriggersAndPartitionsTest {
    static final String PLAIN = "pgbf_plain_" + ProcessHandle.current().pid();
    static final String PROBER = "pgbf_prober_" + ProcessHandle.current().pid();

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @BeforeAll
    static void schema() {
        db.exec("""
                CREATE TABLE tp_rental (id bigint PRIMARY KEY, b int, last_update timestamptz);
                INSERT INTO tp_rental SELECT g FROM generate_series(1, 20) g;
                CREATE FUNCTION tp_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.last_update := now(); RETURN NEW; END $$;
                CREATE FUNCTION tp_nullify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.b := NULL; RETURN NEW; END $$;
                CREATE FUNCTION tp_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
                CREATE TRIGGER rental_last_updated BEFORE UPDATE ON tp_rental FOR EACH ROW EXECUTE FUNCTION tp_touch();
                CREATE TRIGGER rental_audit AFTER UPDATE ON tp_rental FOR EACH STATEMENT EXECUTE FUNCTION tp_noop();
                CREATE TRIGGER rental_on_insert BEFORE INSERT ON tp_rental FOR EACH ROW EXECUTE FUNCTION tp_touch();
                CREATE TRIGGER rental_off BEFORE UPDATE ON tp_rental FOR EACH ROW EXECUTE FUNCTION tp_touch();
                ALTER TABLE tp_rental DISABLE TRIGGER rental_off;
                CREATE TABLE tp_rewrite (id bigint PRIMARY KEY, b int);
                INSERT INTO tp_rewrite SELECT g FROM generate_series(1, 20) g;
                CREATE TRIGGER rewrite_b BEFORE UPDATE ON tp_rewrite FOR EACH ROW EXECUTE FUNCTION tp_nullify();
                CREATE TRIGGER always_audit AFTER UPDATE ON tp_rewrite FOR EACH ROW EXECUTE FUNCTION tp_noop();
                ALTER TABLE tp_rewrite ENABLE ALWAYS TRIGGER always_audit;
                CREATE TABLE tp_parent (id bigint PRIMARY KEY);
                INSERT INTO tp_parent SELECT g FROM generate_series(1, 5) g;
                CREATE TABLE tp_child (id bigint PRIMARY KEY, parent_id bigint REFERENCES tp_parent, b int);
                INSERT INTO tp_child SELECT g, 1 FROM generate_series(1, 5) g;
                CREATE TABLE tp_events (id bigint NOT NULL, region text NOT NULL, b int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
                CREATE TABLE tp_events_eu PARTITION OF tp_events FOR VALUES IN ('eu');
                CREATE TABLE tp_events_us PARTITION OF tp_events FOR VALUES IN ('us');
                INSERT INTO tp_events SELECT g, CASE WHEN g % 3 = 0 THEN 'us' ELSE 'eu' END FROM generate_series(1, 30) g;
                ANALYZE tp_events_eu; ANALYZE tp_events_us;
                CREATE TRIGGER events_touch AFTER UPDATE ON tp_events FOR EACH ROW EXECUTE FUNCTION tp_noop();
                CREATE TRIGGER eu_only AFTER UPDATE ON tp_events_eu FOR EACH ROW EXECUTE FUNCTION tp_noop();
                CREATE TABLE tp_owner (id bigint PRIMARY KEY); INSERT INTO tp_owner VALUES (1), (2);
                CREATE TABLE tp_orders (id bigint NOT NULL, region text NOT NULL, owner_id bigint, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
                CREATE TABLE tp_orders_eu PARTITION OF tp_orders FOR VALUES IN ('eu');
                ALTER TABLE tp_orders_eu ADD CONSTRAINT eu_owner_fk FOREIGN KEY (owner_id) REFERENCES tp_owner;
                INSERT INTO tp_orders VALUES (1, 'eu', 1);""");
        db.exec("DROP ROLE IF EXISTS " + PLAIN + "; CREATE ROLE " + PLAIN + " LOGIN; GRANT SELECT, UPDATE ON tp_rental TO " + PLAIN);
        db.exec("DROP ROLE IF EXISTS " + PROBER + "; CREATE ROLE " + PROBER + "; GRANT " + PROBER + " TO current_user");
    }

    @AfterAll
    static void dropRoles() {
        db.exec("DROP OWNED BY " + PLAIN + "; DROP ROLE IF EXISTS " + PLAIN + "; DROP OWNED BY " + PROBER + "; DROP ROLE IF EXISTS " + PROBER);
    }

    private static SpecValidator.Validated validate(BackfillSpec spec) throws Exception {
        try (Connection c = db.connect()) {
            return new SpecValidator(c).validate(spec);
        }
    }

    @Test
    void theTriggersThatFireForEveryBackfilledRowAreListedWithTheirTiming() throws Exception {
        JobPlan plan = validate(BackfillSpec.on("tp_rental").set("b = id * 2").build()).plan();

        assertThat(plan.triggers()).containsExactly("rental_audit (AFTER UPDATE, each statement)", "rental_last_updated (BEFORE UPDATE, each row)");
        assertThat(plan.partitions()).isEmpty();
        assertThat(plan.connectedAs()).isEqualTo(db.queryString("SELECT current_user"));
    }

    @Test
    void aPartitionedTableListsItsPartitionsAndTheTriggersOfEach() throws Exception {
        JobPlan plan = validate(BackfillSpec.on("tp_events").set("b = 1").build()).plan();

        assertThat(plan.partitions()).containsExactly("tp_events_eu (~20 rows)", "tp_events_us (~10 rows)");
        assertThat(plan.triggers()).containsExactly("events_touch (AFTER UPDATE, each row)", "eu_only (AFTER UPDATE, each row)");
    }

    @Test
    void disableTriggersLetsARewritingTriggerPassAndListsOnlyTheTriggersThatStillFire() throws Exception {
        BackfillSpec plain = BackfillSpec.on("tp_rewrite").set("b = 1").build();
        assertThatThrownBy(() -> validate(plain)).isInstanceOf(InvalidInputException.class).hasMessageContaining("trigger rewrite_b");

        SpecValidator.Validated v = validate(BackfillSpec.on("tp_rewrite").set("b = 1").disableTriggers().build());

        assertThat(v.spec().disableTriggers()).isTrue();
        assertThat(v.plan().triggers()).containsExactly("always_audit (AFTER UPDATE, each row, ALWAYS)");
        assertThat(db.queryLong("SELECT count(*) FROM tp_rewrite WHERE b IS NOT NULL")).isZero();
    }

    @Test
    void disableTriggersIsRefusedWhenAnAssignedColumnIsPartOfAForeignKey() {
        String before = db.fingerprint();

        assertThatThrownBy(() -> validate(BackfillSpec.on("tp_child").set("parent_id = 2").disableTriggers().build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("--disable-triggers would also skip the checks of foreign key tp_child_parent_id_fkey on tp_child on the columns "
                        + "--set writes; run without it, or drop --set of those columns");
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void disableTriggersIsRefusedForARoleThatMayNotSetSessionReplicationRole() throws Exception {
        try (Connection c = DriverManager.getConnection(urlAs(PLAIN))) {
            assertThatThrownBy(() -> new SpecValidator(c).validate(BackfillSpec.on("tp_rental").set("b = 3").disableTriggers().build()))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("--disable-triggers needs the right to set session_replication_role, which role " + PLAIN + " lacks: on "
                            + "PostgreSQL 15 and later GRANT SET ON PARAMETER session_replication_role TO " + PLAIN
                            + " (earlier versions: only a superuser may); or run without --disable-triggers");
        }
        assertThat(db.queryLong("SELECT count(*) FROM tp_rental WHERE b IS NOT NULL")).isZero();
    }

    @Test
    void aProbeRunsAsTheProbeRoleAndReadsOnlyWhatThatRoleWasGranted() throws Exception {
        Probe asProber = new Probe(PROBER);
        try (Connection c = db.connect()) {
            assertThat(asProber.run(c, "SELECT current_user = '" + PROBER + "'")).isEqualTo(1.0);
            assertThatThrownBy(() -> asProber.run(c, "SELECT count(*) FROM tp_rental"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("--probe failed as role " + PROBER + ": permission denied for table tp_rental [SQLSTATE 42501]");
            assertThat(Probe.AS_COORDINATOR.run(c, "SELECT count(*) FROM tp_rental")).isEqualTo(20.0);
        }
    }

    @Test
    void aProbeRoleTheCoordinatorIsNotAMemberOfIsRefusedSayingWhatToGrant() throws Exception {
        try (Connection c = DriverManager.getConnection(urlAs(PLAIN))) {
            assertThatThrownBy(() -> new Probe(PROBER).run(c, "SELECT 1"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("the coordinator cannot run probes as role " + PROBER + " (--probe-role): permission denied to set role")
                    .hasMessageEndingWith("; create it and GRANT \"" + PROBER + "\" TO the coordinator's role");
        }
    }

    private static String urlAs(String role) {
        return db.url().contains("user=") ? db.url().replaceFirst("user=[^&]*", "user=" + role)
                : db.url() + (db.url().contains("?") ? "&" : "?") + "user=" + role;
    }

    @Test
    void disableTriggersIsRefusedOverAForeignKeyThatOnlyAPartitionHas() {
        assertThatThrownBy(() -> validate(BackfillSpec.on("tp_orders").set("owner_id = 2").disableTriggers().build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("--disable-triggers would also skip the checks of foreign key eu_owner_fk on tp_orders_eu");
        assertThat(db.queryLong("SELECT owner_id FROM tp_orders")).isEqualTo(1);
    }
}
