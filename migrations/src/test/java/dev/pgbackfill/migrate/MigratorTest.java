package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.MigrationFailedException;
import dev.pgbackfill.migrate.run.MigrationRefusedException;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine against a real PostgreSQL: recording, resuming, lock retries, refusals. Backfills are tested in the app module. */
class MigratorTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void install() {
        ControlSchema.install(db.dataSource());
    }

    static Revision sql(String name, String text) {
        return SqlRevisionParser.parse(name, text);
    }

    Migrator migrator(String scope, List<Revision> revisions) {
        MigrateSettings settings = MigrateSettings.defaults().withScope(scope)
                .withLockTimeout(Duration.ofMillis(200), 10, Duration.ofMillis(100));
        return new Migrator(db.dataSource(), RevisionGraph.of(revisions), settings, null, log::add);
    }

    @Test
    void upRecordsEachRevisionAndDownRevertsToTheTarget() {
        List<Revision> set = List.of(
                sql("s/1.sql", "-- revision: 1\n-- migrate:up\nCREATE TABLE ud_a (id int);\n-- migrate:down\nDROP TABLE ud_a;\n"),
                sql("s/2.sql", "-- revision: 2\n-- down_revision: 1\n-- migrate:up\nCREATE TABLE ud_b (id int);\n-- migrate:down\nDROP TABLE ud_b;\n"));
        Migrator m = migrator("updown", set);

        assertThat(m.up(null, Phase.CONTRACT, false)).isEqualTo(2);
        assertThat(m.current()).containsExactly("2");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename IN ('ud_a', 'ud_b')")).isEqualTo(2);

        assertThat(m.down("1")).isEqualTo(1);
        assertThat(m.current()).containsExactly("1");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename = 'ud_b'")).isZero();
        assertThat(m.history()).extracting(h -> h.revision() + " " + h.direction())
                .containsExactly("1 up", "2 up", "2 down"); // one row per phase a revision has: these have only expand
        assertThat(m.up(null, Phase.CONTRACT, false)).isEqualTo(1);
    }

    @Test
    void aTransactionalRevisionThatFailsLeavesNothingBehind() {
        Migrator m = migrator("txfail", List.of(sql("s/1.sql",
                "-- revision: 1\n-- migrate:up\nCREATE TABLE tx_a (id int);\nINSERT INTO tx_a VALUES (1 / 0);\n-- migrate:down\nDROP TABLE tx_a;\n")));

        assertThatThrownBy(() -> m.up(null, Phase.CONTRACT, false)).isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("revision 1 (1.sql:4) failed in phase expand: division by zero [SQLSTATE 22012]");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename = 'tx_a'")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.migration_version WHERE scope = 'txfail'")).isZero();
    }

    @Test
    void aNonTransactionalRevisionResumesAfterItsLastFinishedStatement() {
        db.exec("CREATE TABLE nt_log (step int); CREATE TABLE nt_gate (ok boolean)");
        String text = "-- revision: 1\n-- transactional: false\n-- migrate:up\n"
                + "INSERT INTO nt_log VALUES (1);\n"
                + "INSERT INTO nt_log SELECT 2 / (SELECT count(*)::int FROM nt_gate);\n"
                + "INSERT INTO nt_log VALUES (3);\n"
                + "-- migrate:down\nDELETE FROM nt_log;\n";
        Migrator m = migrator("resume", List.of(sql("s/1.sql", text)));

        assertThatThrownBy(() -> m.up(null, Phase.CONTRACT, false)).isInstanceOf(MigrationFailedException.class);
        assertThat(db.queryString("SELECT string_agg(step::text, ',' ORDER BY step) FROM nt_log")).isEqualTo("1");
        db.exec("INSERT INTO nt_gate VALUES (true)");

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT string_agg(step::text, ',' ORDER BY step) FROM nt_log")).isEqualTo("1,2,3");
        assertThat(log).anyMatch(l -> l.equals("1 expand: resuming after step 1 of 3"));
    }

    @Test
    void aConcurrentIndexBuildThatFailedMidwayIsCompletedByARetry() {
        db.exec("CREATE TABLE ci (id int PRIMARY KEY, email text); INSERT INTO ci SELECT g, 'u' || g FROM generate_series(1, 5000) g; "
                + "INSERT INTO ci VALUES (5001, 'u1')");
        Revision r = dev.pgbackfill.migrate.revision.JavaRevisions.of(new Migration() {
            public String revision() {
                return "1";
            }

            public List<String> downRevisions() {
                return List.of();
            }

            public String message() {
                return "unique email";
            }

            public void upgrade(Ops op) {
                op.createUniqueIndex("ci_email_key", "ci", "email");
            }

            public void downgrade(Ops op) {
                op.dropIndex("ci_email_key");
            }
        });
        Migrator m = migrator("concurrent", List.of(r));

        assertThatThrownBy(() -> m.up(null, Phase.CONTRACT, false)).isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("could not create unique index");
        assertThat(db.queryString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'ci_email_key'::regclass")).isEqualTo("false");
        db.exec("DELETE FROM ci WHERE id = 5001");

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'ci_email_key'::regclass")).isEqualTo("true");
        assertThat(db.queryLong("SELECT count(*) FROM pg_class WHERE relname LIKE 'ci_email_key%'")).isEqualTo(1);
        assertThat(m.current()).containsExactly("1");
    }

    @Test
    void ddlBlockedByAnotherSessionIsRetriedAfterLockTimeoutAndSucceedsOnceTheLockIsGone() throws Exception {
        db.exec("CREATE TABLE lk (id int)");
        Migrator m = migrator("lockretry", List.of(sql("s/1.sql",
                "-- revision: 1\n-- migrate:up\nALTER TABLE lk ADD COLUMN note text;\n-- migrate:down\nALTER TABLE lk DROP COLUMN note;\n")));
        CountDownLatch locked = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("LOCK TABLE lk IN ACCESS SHARE MODE"); // what any long SELECT holds
                locked.countDown();
                Thread.sleep(1_000);
                c.commit();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        locked.await();

        m.up(null, Phase.CONTRACT, false);
        holder.join();

        assertThat(db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'lk' AND column_name = 'note'")).isEqualTo(1);
        assertThat(log).anyMatch(l -> l.startsWith("1 expand step 1 of 1: no lock within lock_timeout (200 ms)") && l.contains("retry 1 of 10"));
    }

    @Test
    void ddlThatNeverGetsItsLockFailsAfterItsRetriesWithNothingApplied() throws Exception {
        db.exec("CREATE TABLE lk2 (id int)");
        MigrateSettings settings = MigrateSettings.defaults().withScope("lockfail").withLockTimeout(Duration.ofMillis(100), 2, Duration.ofMillis(50));
        Migrator m = new Migrator(db.dataSource(), RevisionGraph.of(List.of(sql("s/1.sql",
                "-- revision: 1\n-- migrate:up\nALTER TABLE lk2 ADD COLUMN a int;\nALTER TABLE lk2 ADD COLUMN b int;\n-- migrate:down\nSELECT 1;\n"))),
                settings, null, log::add);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("LOCK TABLE lk2 IN ACCESS SHARE MODE");

            assertThatThrownBy(() -> m.up(null, Phase.CONTRACT, false)).isInstanceOf(MigrationFailedException.class)
                    .hasMessageStartingWith("1 expand step 1-2 of 2: still no lock after 2 retries of 100 ms");
            c.rollback();
        }
        assertThat(db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'lk2'")).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.migration_version WHERE scope = 'lockfail'")).isZero();
    }

    @Test
    void upStopsAtTheRequestedPhaseAndContinuesLater() {
        db.exec("CREATE TABLE ph (id int PRIMARY KEY, a int); INSERT INTO ph VALUES (1, 1)");
        Revision r = sql("s/1.sql", "-- revision: 1\n-- migrate:up\nALTER TABLE ph ADD COLUMN b int;\n-- migrate:down\nALTER TABLE ph DROP COLUMN b;\n");
        Revision contract = sql("s/2.sql", "-- revision: 2\n-- down_revision: 1\n-- phase: contract\n-- lint-ack: drop-without-backup\n"
                + "-- migrate:up\nALTER TABLE ph DROP COLUMN a;\n-- migrate:down\nALTER TABLE ph ADD COLUMN a int;\n");
        Migrator m = migrator("phases", List.of(r, contract));

        m.up(null, Phase.EXPAND, false);

        assertThat(db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ph'")).isEqualTo(3);
        assertThat(m.status()).extracting(s -> s.revision() + " " + s.state() + " " + s.phaseDone())
                .containsExactly("1 applied contract", "2 partial expand");

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ph'")).isEqualTo(2);
        assertThat(m.current()).containsExactly("2");
    }

    @Test
    void aDatabaseWithRevisionsThisSetDoesNotKnowIsRefused() {
        migrator("foreign", List.of(sql("s/x.sql", "-- revision: x\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n"))).up(null, Phase.CONTRACT, false);
        Migrator other = migrator("foreign", List.of(sql("s/y.sql", "-- revision: y\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n")));

        assertThatThrownBy(() -> other.up(null, Phase.CONTRACT, false)).isInstanceOf(MigrationRefusedException.class)
                .hasMessageStartingWith("the database has revision(s) [x] (scope foreign) that this revision set does not define");
    }

    @Test
    void twoRunnersOfOneScopeTakeTurns() throws Exception {
        db.exec("CREATE TABLE turns (who text, at timestamptz DEFAULT clock_timestamp())");
        Revision slow = sql("s/1.sql", "-- revision: 1\n-- migrate:up\nINSERT INTO turns (who) VALUES ('start');\nSELECT pg_sleep(0.5);\n"
                + "INSERT INTO turns (who) VALUES ('end');\n-- migrate:down\nSELECT 1;\n");
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> migrator("turns", List.of(slow)).up(null, Phase.CONTRACT, false));
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> migrator("turns", List.of(slow)).up(null, Phase.CONTRACT, false));

        assertThat(a.get() + b.get()).isEqualTo(1); // one applied it, the other waited and found nothing to do
        assertThat(db.queryString("SELECT string_agg(who, ',' ORDER BY at) FROM turns")).isEqualTo("start,end");
    }

    static Revision java(String id, java.util.function.Consumer<Ops> up, java.util.function.Consumer<Ops> down) {
        return dev.pgbackfill.migrate.revision.JavaRevisions.of(new Migration() {
            public String revision() {
                return id;
            }

            public List<String> downRevisions() {
                return List.of();
            }

            public String message() {
                return "revision " + id;
            }

            public void upgrade(Ops op) {
                up.accept(op);
            }

            public void downgrade(Ops op) {
                down.accept(op);
            }
        });
    }

    @Test
    void downgradingARenameWhoseContractNeverRanUndoesItsExpandAndKeepsTheData() {
        db.exec("CREATE TABLE rn (id int PRIMARY KEY, username text); INSERT INTO rn SELECT g, 'user' || g FROM generate_series(1, 100) g");
        Revision r = java("1", op -> op.renameColumn("rn", "username", "login", "text"), op -> op.renameColumn("rn", "login", "username", "text"));
        Migrator m = migrator("partialrename", List.of(r));
        m.up(null, Phase.EXPAND, false);
        db.exec("INSERT INTO rn (id, login) VALUES (101, 'new-app')"); // the new application version writes only login

        m.down("-1");

        assertThat(db.queryString("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'rn'"))
                .isEqualTo("id,username");
        assertThat(db.queryLong("SELECT count(*) FROM rn WHERE username = 'user' || id")).isEqualTo(100);
        assertThat(db.queryString("SELECT username FROM rn WHERE id = 101")).isEqualTo("new-app");
        assertThat(db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'rn'::regclass AND NOT tgisinternal")
                + db.queryLong("SELECT count(*) FROM pg_proc WHERE proname LIKE 'rn_sync%'")).isZero();
        db.exec("INSERT INTO rn (id, username) VALUES (102, 'after')"); // the table works again
        assertThat(log).anyMatch(l -> l.contains("undoing its expand steps instead of running its downgrade"));
    }

    @Test
    void aPartlyAppliedRawSqlRevisionIsNotDowngradedBlindly() {
        db.exec("CREATE TABLE praw (id int)");
        Revision r = sql("s/1.sql", "-- revision: 1\n-- migrate:up\nALTER TABLE praw ADD COLUMN b int;\n-- migrate:down\nALTER TABLE praw DROP COLUMN b;\n");
        Revision contract = java("2", op -> op.setNotNull("praw", "b"), op -> op.dropNotNull("praw", "b"));
        Revision two = new Revision("2", List.of("1"), "", "Java", true, java.util.Set.of(),
                List.of(new dev.pgbackfill.migrate.op.Op.Execute(Phase.EXPAND, "ALTER TABLE praw ADD COLUMN c int", "x"),
                        new dev.pgbackfill.migrate.op.Op.SetNotNull("praw", "c")), contract.downgrade(), true);
        Migrator m = migrator("partialraw", List.of(r, two));
        m.up(null, Phase.EXPAND, false);
        String before = db.fingerprint();

        assertThatThrownBy(() -> m.down("base")).isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("revision 2 is only partly applied (expand done)").hasMessageContaining("x (raw SQL)")
                .hasMessageEndingWith("nothing was changed");
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void aFailedDowngradeResumesAfterItsLastFinishedStep() {
        db.exec("CREATE TABLE dn (id int PRIMARY KEY, a int NOT NULL); INSERT INTO dn SELECT g, g FROM generate_series(1, 50) g");
        Revision r = java("1", op -> op.dropNotNull("dn", "a"), op -> op.setNotNull("dn", "a"));
        Migrator m = migrator("downresume", List.of(r));
        m.up(null, Phase.CONTRACT, false);
        db.exec("INSERT INTO dn VALUES (51, NULL)");

        assertThatThrownBy(() -> m.down("base")).isInstanceOf(MigrationFailedException.class).hasMessageContaining("violated by some row");
        assertThat(m.status()).extracting(RevisionStatusState::of).containsExactly("1 partial");
        assertThatThrownBy(() -> m.up(null, Phase.CONTRACT, false)).isInstanceOf(MigrationRefusedException.class)
                .hasMessage("revision 1 is part-way through its downgrade (1 step(s) done); finish it with migrate down first; nothing was changed");
        db.exec("DELETE FROM dn WHERE id = 51");
        m.down("base");

        assertThat(db.queryString("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'dn'::regclass AND attname = 'a'")).isEqualTo("true");
        assertThat(db.queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'dn'::regclass AND contype = 'c'")).isZero();
        assertThat(log).contains("1 down: resuming after step 1 of 4");
        assertThat(m.atBase()).isTrue();
    }

    @Test
    void aRawConcurrentIndexThatFailedIsRebuiltNotTakenAsDone() {
        db.exec("CREATE TABLE rawci (id int PRIMARY KEY, email text); INSERT INTO rawci SELECT g, 'u' || g FROM generate_series(1, 1000) g; "
                + "INSERT INTO rawci VALUES (1001, 'u1')");
        Migrator m = migrator("rawci", List.of(sql("s/1.sql", "-- revision: 1\n-- transactional: false\n-- migrate:up\n"
                + "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS rawci_email_key ON rawci (email);\n-- migrate:down\n"
                + "DROP INDEX CONCURRENTLY IF EXISTS rawci_email_key;\n")));
        assertThatThrownBy(() -> m.up(null, Phase.CONTRACT, false)).isInstanceOf(MigrationFailedException.class);
        db.exec("DELETE FROM rawci WHERE id = 1001");

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'rawci_email_key'::regclass")).isEqualTo("true");
        assertThat(log).contains("1 repair: DROP INDEX CONCURRENTLY IF EXISTS \"rawci_email_key\"");
    }

    /** "id state" of a status line, for compact assertions. */
    static final class RevisionStatusState {
        static String of(dev.pgbackfill.migrate.run.RevisionStatus s) {
            return s.revision() + " " + s.state();
        }
    }
}
