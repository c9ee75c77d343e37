package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.migrate.offline.OfflineSql;
import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.migrate.run.ReversibilityCheck;
import dev.pgbackfill.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A downgrade touches only what depends on its target, never another branch's objects or data. The graph is the
 * issue's: a → b → c, d branching off a, e merging c and d; each revision creates a table holding three rows.
 */
class BranchDowngradeTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void install() {
        ControlSchema.install(db.dataSource());
    }

    private static Revision rev(String scope, String id, String downRevision) {
        String table = scope + "_" + id;
        return SqlRevisionParser.parse("m/" + id + ".sql", "-- revision: " + id + "\n"
                + (downRevision.isEmpty() ? "" : "-- down_revision: " + downRevision + "\n")
                + "-- migrate:up\nCREATE TABLE " + table + " (id int);\nINSERT INTO " + table + " VALUES (1), (2), (3);\n"
                + "-- migrate:down\nDROP TABLE " + table + ";\n");
    }

    private static RevisionGraph graph(String scope) {
        return RevisionGraph.of(List.of(rev(scope, "a", ""), rev(scope, "b", "a"), rev(scope, "c", "b"), rev(scope, "d", "a"),
                rev(scope, "e", "c, d")));
    }

    private Migrator migrator(String scope) {
        return new Migrator(db.dataSource(), graph(scope), MigrateSettings.defaults().withScope(scope), null, log::add);
    }

    /** Rows of each revision's table that still exists, e.g. "a=3 b=3 d=3". */
    private static String tables(String scope) {
        StringBuilder out = new StringBuilder();
        for (String id : List.of("a", "b", "c", "d", "e")) {
            if (db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename = '" + scope + "_" + id + "'") == 1) {
                out.append(out.isEmpty() ? "" : " ").append(id).append('=').append(db.queryLong("SELECT count(*) FROM " + scope + "_" + id));
            }
        }
        return out.toString();
    }

    @Test
    void downgradingOneBranchLeavesTheOtherBranchAndItsRows() {
        Migrator m = migrator("bd1");
        m.up("c", Phase.CONTRACT, false);
        m.up("d", Phase.CONTRACT, false);

        assertThat(m.down("b")).isEqualTo(1);

        assertThat(tables("bd1")).isEqualTo("a=3 b=3 d=3");
        assertThat(m.current()).containsExactly("b", "d");
    }

    @Test
    void downgradingToACurrentHeadDoesNothing() {
        Migrator m = migrator("bd2");
        m.up("c", Phase.CONTRACT, false);
        m.up("d", Phase.CONTRACT, false);

        assertThat(m.down("c")).isZero();

        assertThat(tables("bd2")).isEqualTo("a=3 b=3 c=3 d=3");
        assertThat(m.current()).containsExactly("c", "d");
    }

    @Test
    void downgradingFromAMergeRevertsOnlyTheMerge() {
        Migrator m = migrator("bd3");
        m.up("head", Phase.CONTRACT, false);

        assertThat(m.down("c")).isEqualTo(1);

        assertThat(tables("bd3")).isEqualTo("a=3 b=3 c=3 d=3");
        assertThat(m.current()).containsExactly("c", "d");
    }

    @Test
    void aRelativeDowngradeFromTwoHeadsIsRefusedAndChangesNothing() {
        Migrator m = migrator("bd4");
        m.up("c", Phase.CONTRACT, false);
        m.up("d", Phase.CONTRACT, false);

        assertThatThrownBy(() -> m.down("-1")).isInstanceOf(InvalidRevisionException.class)
                .hasMessageContaining("\"-1\" is ambiguous: the database is at 2 heads [c, d]; say which: c-1 or d-1");

        assertThat(tables("bd4")).isEqualTo("a=3 b=3 c=3 d=3");
    }

    @Test
    void aRelativeDowngradeFromAMergeIsRefused() {
        Migrator m = migrator("bd5");
        m.up("head", Phase.CONTRACT, false);

        assertThatThrownBy(() -> m.down("-2")).isInstanceOf(InvalidRevisionException.class)
                .hasMessageContaining("is ambiguous at e: it is a merge of [c, d]");
        assertThat(tables("bd5")).isEqualTo("a=3 b=3 c=3 d=3 e=3");
    }

    @Test
    void testReversibleWalksABranchedGraphRevisionByRevision() {
        Migrator m = migrator("bd7");

        assertThat(new ReversibilityCheck(db.dataSource(), m, log::add).run()).isEmpty();
        assertThat(tables("bd7")).isEqualTo("a=3 b=3 c=3 d=3 e=3");
    }

    @Test
    void testReversibleReportsAFailingDowngradeAsItsLastProblemInsteadOfAnError() {
        Revision broken = SqlRevisionParser.parse("m/x.sql", "-- revision: x\n-- migrate:up\nCREATE TABLE bd8_x (id int);\n"
                + "-- migrate:down\nDROP TABLE bd8_nosuch;\n");
        Migrator m = new Migrator(db.dataSource(), RevisionGraph.of(List.of(broken)), MigrateSettings.defaults().withScope("bd8"), null, log::add);

        List<ReversibilityCheck.Problem> problems = new ReversibilityCheck(db.dataSource(), m, log::add).run();

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).where()).isEqualTo("downgrade from head to base");
        assertThat(problems.get(0).diff()).singleElement().asString().contains("table \"bd8_nosuch\" does not exist [SQLSTATE 42P01]");
    }

    @Test
    void offlineSqlOfADowngradeFromTheMergeDropsOnlyTheMergesTable() {
        String sql = OfflineSql.render(graph("bd6"), "e:c", MigrateSettings.defaults().withScope("bd6"));

        assertThat(sql).contains("DROP TABLE bd6_e;").doesNotContain("DROP TABLE bd6_d").doesNotContain("DROP TABLE bd6_c");
    }
}
