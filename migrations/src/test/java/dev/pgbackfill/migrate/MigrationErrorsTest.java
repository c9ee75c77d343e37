package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.MigrationFailedException;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.testkit.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The first error is the one reported: PostgreSQL's refusal with its SQLSTATE, never a cleanup's "Connection is closed". */
class MigrationErrorsTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** The product's own pool (HikariCP with pgbackfill's settings), where an evicted connection used to mask the error. */
    static HikariDataSource pool;
    final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void schema() {
        pool = Database.open(DbConfig.of(db.url(), null, null), 4, "test-migrate");
        ControlSchema.install(pool);
        db.exec("CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);"
                + "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');");
    }

    @Test
    void aRefusedConcurrentIndexOnAPartitionedTableReportsPostgresqlsMessageAndSqlstate() {
        Migrator m = new Migrator(pool, RevisionGraph.of(List.of(SqlRevisionParser.parse("m/1.sql",
                "-- revision: 1\n-- transactional: false\n-- migrate:up\nCREATE INDEX CONCURRENTLY events_at ON events (at);\n"
                        + "-- migrate:down\nDROP INDEX CONCURRENTLY events_at;\n"))),
                MigrateSettings.defaults().withScope("errors"), null, log::add);

        assertThatThrownBy(() -> m.up(null, Phase.CONTRACT, false))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("revision 1 (1.sql:4) failed in phase expand: cannot create index on partitioned table \"events\" concurrently")
                .hasMessageContaining("[SQLSTATE 0A000]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Connection is closed").doesNotContain("\n"));
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.migration_version WHERE scope = 'errors'")).isZero();
        // the session's connection survived the refusal (a 0A000 no longer evicts it), so its lock was released on it
        assertThat(log).noneMatch(line -> line.contains("releasing the migration lock failed"));
    }

    @Test
    void theSameConnectionPoolStillWorksAfterTheRefusal() throws Exception {
        aRefusedConcurrentIndexOnAPartitionedTableReportsPostgresqlsMessageAndSqlstate();

        try (var c = pool.getConnection(); var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isPositive();
    }

    @AfterAll
    static void close() {
        pool.close();
    }
}
