package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.MigrationRefusedException;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.testkit.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** stamp records without running anything; adopt takes over a database that Alembic or Flyway manages. */
class StampAdoptTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @BeforeAll
    static void install() {
        ControlSchema.install(db.dataSource());
    }

    /** Revisions whose upgrade fails when its table already exists: running one twice would show. */
    private static List<Revision> set(String scope, String... ids) {
        List<Revision> out = new java.util.ArrayList<>();
        String parent = "";
        for (String id : ids) {
            out.add(SqlRevisionParser.parse("m/" + id + ".sql", "-- revision: " + id + "\n" + (parent.isEmpty() ? "" : "-- down_revision: " + parent + "\n")
                    + "-- migrate:up\nCREATE TABLE " + scope + "_" + id.replace('.', '_') + " (id int);\n-- migrate:down\nDROP TABLE " + scope + "_"
                    + id.replace('.', '_') + ";\n"));
            parent = id;
        }
        return out;
    }

    private static Migrator migrator(String scope, List<Revision> revisions) {
        return new Migrator(db.dataSource(), RevisionGraph.of(revisions), MigrateSettings.defaults().withScope(scope), null, line -> { });
    }

    private static List<String> states(Migrator m) {
        return m.status().stream().map(s -> s.revision() + " " + s.state()).toList();
    }

    @Test
    void stampRecordsWithoutRunningAndUpThenRunsOnlyWhatIsLeft() {
        db.exec("CREATE TABLE st1_a (id int); CREATE TABLE st1_b (id int);"); // the schema is already there
        Migrator m = migrator("st1", set("st1", "a", "b", "c"));

        assertThat(m.stamp("b", false)).isEqualTo(2);
        assertThat(states(m)).containsExactly("a applied", "b applied", "c pending");
        assertThat(m.up(null, Phase.CONTRACT, false)).isEqualTo(1);

        assertThat(states(m)).containsExactly("a applied", "b applied", "c applied");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'st1\\_%'")).isEqualTo(3);
    }

    @Test
    void stampBelowTheCurrentRevisionForgetsWhatStandsAboveAndDropsNothing() {
        Migrator m = migrator("st2", set("st2", "a", "b", "c"));
        m.up(null, Phase.CONTRACT, false);

        assertThat(m.stamp("a", false)).isEqualTo(2);

        assertThat(states(m)).containsExactly("a applied", "b pending", "c pending");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'st2\\_%'")).isEqualTo(3);
        assertThat(m.stamp("base", false)).isEqualTo(1);
        assertThat(m.atBase()).isTrue();
    }

    @Test
    void purgeForgetsRevisionsThisSetDoesNotDefine() {
        migrator("st3", set("st3", "x")).up(null, Phase.CONTRACT, false);
        Migrator other = migrator("st3", set("st3", "a"));

        assertThatThrownBy(() -> other.stamp("a", false)).isInstanceOf(MigrationRefusedException.class).hasMessageContaining("[x]");
        assertThat(other.stamp("a", true)).isEqualTo(1);

        assertThat(states(other)).containsExactly("a applied");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename = 'st3_a'")).isZero();
    }

    @Test
    void adoptFromAlembicStampsItsCurrentRevisionsAndRunsNothing() {
        db.exec("CREATE SCHEMA legacy; CREATE TABLE legacy.alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);"
                + "INSERT INTO legacy.alembic_version VALUES ('27c6a30d7c24');"
                + "CREATE TABLE ad1_ae1027a6acf (id int); CREATE TABLE ad1_27c6a30d7c24 (id int);");
        Migrator m = migrator("ad1", set("ad1", "ae1027a6acf", "27c6a30d7c24", "3f5b2c"));

        assertThat(m.adopt("alembic", "legacy.alembic_version")).isEqualTo(2);

        assertThat(states(m)).containsExactly("ae1027a6acf applied", "27c6a30d7c24 applied", "3f5b2c pending");
        assertThat(m.up(null, Phase.CONTRACT, false)).isEqualTo(1);
    }

    @Test
    void adoptRefusesAnAlembicRevisionWithoutACounterpartAndRecordsNothing() {
        db.exec("CREATE SCHEMA legacy2; CREATE TABLE legacy2.alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);"
                + "INSERT INTO legacy2.alembic_version VALUES ('deadbeef0001');");
        Migrator m = migrator("ad2", set("ad2", "a"));

        assertThatThrownBy(() -> m.adopt("alembic", "legacy2.alembic_version")).isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("alembic is at [deadbeef0001], which this revision set does not define");
        assertThat(m.atBase()).isTrue();
    }

    @Test
    void adoptFromFlywayStampsItsLatestSuccessfulVersion() {
        db.exec("""
                CREATE SCHEMA fw;
                CREATE TABLE fw.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
                  type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,
                  installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);
                INSERT INTO fw.flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'me', now(), 1, true),
                  (2, '1.1', 'more', 'SQL', 'V1_1__more.sql', 2, 'me', now(), 1, true),
                  (3, '2', 'broken', 'SQL', 'V2__broken.sql', 3, 'me', now(), 1, false);""");
        Migrator m = migrator("ad3", set("ad3", "1", "1.1", "2"));

        assertThat(m.adopt("flyway", "fw.flyway_schema_history")).isEqualTo(2);

        assertThat(states(m)).containsExactly("1 applied", "1.1 applied", "2 pending");
    }
}
