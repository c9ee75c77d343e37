package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.migrate.examples.Examples;
import dev.pgbackfill.migrate.offline.OfflineSql;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.migrate.snapshot.CatalogSnapshot;
import dev.pgbackfill.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Offline SQL a DBA can run as is: {@code migrate sql} piped to {@code psql -v ON_ERROR_STOP=1} on a fresh database gives
 * the same catalog and the same {@code migrate status} as {@code migrate up} (and {@code down}) on another one.
 */
class OfflineSqlTest {
    @RegisterExtension
    static final TestDatabase offline = new TestDatabase();
    @RegisterExtension
    static final TestDatabase online = new TestDatabase();

    static final List<Revision> SET = List.of(
            SqlRevisionParser.parse("s/1.sql", "-- revision: 1\n-- migrate:up\nCREATE TABLE off_a (id bigint PRIMARY KEY, email text);\n"
                    + "INSERT INTO off_a VALUES (1, 'x');\n-- migrate:down\nDROP TABLE off_a;\n"),
            SqlRevisionParser.parse("s/2.sql", "-- revision: 2\n-- down_revision: 1\n-- transactional: false\n-- migrate:up\n"
                    + "CREATE INDEX CONCURRENTLY off_a_email ON off_a (email);\n-- migrate:down\nDROP INDEX CONCURRENTLY off_a_email;\n"),
            SqlRevisionParser.parse("s/3.sql", "-- revision: 3\n-- down_revision: 2\n-- phase: contract\n-- migrate:up\n"
                    + "ALTER TABLE off_a ADD COLUMN note text;\nCOMMENT ON COLUMN off_a.note IS 'a; b';\n-- migrate:down\n"
                    + "ALTER TABLE off_a DROP COLUMN note;\n"));

    private static void psql(TestDatabase db, String script) throws Exception {
        Path file = Files.createTempFile("pgbackfill-offline", ".sql");
        Files.writeString(file, script);
        Process p = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString(), libpq(db.url()))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    /** The JDBC URL as a libpq URI: host, port, database, and only the user and password parameters. */
    private static String libpq(String jdbcUrl) {
        java.net.URI u = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
        String query = u.getQuery() == null ? "" : java.util.Arrays.stream(u.getQuery().split("&"))
                .filter(kv -> kv.startsWith("user=") || kv.startsWith("password=")).collect(java.util.stream.Collectors.joining("&"));
        return "postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath() + (query.isEmpty() ? "" : "?" + query);
    }

    private static boolean psqlInstalled() {
        try {
            return new ProcessBuilder("psql", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static Migrator migrator(TestDatabase db, RevisionGraph graph, String scope) {
        ControlSchema.install(db.dataSource()); // on the offline database this also takes over the script's records
        return new Migrator(db.dataSource(), graph, MigrateSettings.defaults().withScope(scope), null, line -> { });
    }

    private static CatalogSnapshot snapshot(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            return CatalogSnapshot.take(c);
        }
    }

    private static List<String> states(Migrator m) {
        return m.status().stream().map(s -> s.revision() + " " + s.state()).toList();
    }

    @Test
    void offlineUpgradeAndDowngradeEqualOnlineOnFreshDatabases() throws Exception {
        assumeTrue(psqlInstalled(), "psql is not installed: the offline script cannot be run here (skipped)");
        RevisionGraph graph = RevisionGraph.of(SET);
        MigrateSettings settings = MigrateSettings.defaults().withScope("offline");

        psql(offline, OfflineSql.render(graph, "base:head", settings));
        migrator(online, graph, "offline").up(null, Phase.CONTRACT, false);

        assertThat(snapshot(offline)).isEqualTo(snapshot(online));
        assertThat(states(migrator(offline, graph, "offline"))).containsExactly("1 applied", "2 applied", "3 applied")
                .isEqualTo(states(migrator(online, graph, "offline")));
        assertThat(migrator(offline, graph, "offline").up(null, Phase.CONTRACT, false)).as("migrate up after the script runs nothing").isZero();

        psql(offline, OfflineSql.render(graph, "head:base", settings));
        migrator(online, graph, "offline").down("base");

        assertThat(snapshot(offline)).isEqualTo(snapshot(online));
        assertThat(states(migrator(offline, graph, "offline"))).containsExactly("1 pending", "2 pending", "3 pending");
    }

    @Test
    void theExampleSchemaOfflineEqualsOnline() throws Exception {
        assumeTrue(psqlInstalled(), "psql is not installed: the offline script cannot be run here (skipped)");
        RevisionGraph graph = RevisionGraph.of(Examples.revisions());

        psql(offline, OfflineSql.render(graph, "base:004", MigrateSettings.defaults().withScope("examples")));
        migrator(online, graph, "examples").up("004", Phase.CONTRACT, false);

        assertThat(snapshot(offline).diff(snapshot(online))).isEmpty();
        assertThat(migrator(offline, graph, "examples").current()).containsExactly("004").isEqualTo(migrator(online, graph, "examples").current());
    }
}
