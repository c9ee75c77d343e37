package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.lint.Catalog;
import dev.pgbackfill.migrate.lint.Finding;
import dev.pgbackfill.migrate.lint.LintConfig;
import dev.pgbackfill.migrate.lint.Linter;
import dev.pgbackfill.migrate.lint.Rule;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What earlier revisions tell the lint about later ones (column types, partitioned tables), the messages it gives
 * for each case, and rule levels set by configuration. Without a database: {@link CatalogLintTest} has the catalog.
 */
class LintKnowledgeTest {

    /** Revisions 1, 2, …, each from one SQL text ({@code NT:} in front: non-transactional), in a chain. */
    static List<Finding> lint(LintConfig config, String... revisions) {
        List<Revision> set = new ArrayList<>();
        for (int i = 0; i < revisions.length; i++) {
            boolean nt = revisions[i].startsWith("NT:");
            String body = nt ? revisions[i].substring(3) : revisions[i];
            set.add(SqlRevisionParser.parse("m/" + (i + 1) + ".sql", "-- revision: " + (i + 1) + "\n" + (i > 0 ? "-- down_revision: " + i + "\n" : "")
                    + (nt ? "-- transactional: false\n" : "") + "-- migrate:up\n" + body.replace("; ", ";\n") + ";\n-- migrate:down\nSELECT 1;\n"));
        }
        return Linter.check(RevisionGraph.of(set), config, Catalog.NONE);
    }

    static List<Finding> lint(String... revisions) {
        return lint(LintConfig.defaults(), revisions);
    }

    static final String TABLE = "CREATE TABLE items (id bigint PRIMARY KEY, name varchar(20) NOT NULL, n int, price numeric(10, 2), addr cidr)";

    @Test
    void typeChangesThatPostgresqlDoesWithoutARewriteAreQuietWhenTheOldTypeIsKnown() {
        assertThat(lint(TABLE, "ALTER TABLE items ALTER COLUMN name TYPE text, ALTER COLUMN price TYPE numeric(12, 2), ALTER COLUMN addr TYPE inet")).isEmpty();
        assertThat(lint(TABLE, "ALTER TABLE items ALTER COLUMN name TYPE varchar(40)", "ALTER TABLE items ALTER COLUMN name TYPE varchar")).isEmpty();
    }

    @Test
    void typeChangesThatRewriteNameBothTypes() {
        List<Finding> findings = lint(TABLE, "ALTER TABLE items ALTER COLUMN name TYPE varchar(10), ALTER COLUMN n TYPE bigint, "
                + "ALTER COLUMN price TYPE numeric(12, 3), ALTER COLUMN addr TYPE inet USING addr::inet");

        assertThat(findings).extracting(Finding::rule).containsOnly(Rule.TYPE_REWRITE).hasSize(4);
        assertThat(findings.get(0).why()).isEqualTo("changing name from varchar(20) to varchar(10) rewrites the table and its indexes under an ACCESS "
                + "EXCLUSIVE lock");
        assertThat(findings.get(1).why()).startsWith("changing n from int to bigint rewrites");
    }

    @Test
    void columnTypesAreReadFromAPartitionedTablesColumnListAndACollationChangeRebuildsIndexes() {
        String partitioned = "CREATE TABLE parted (id bigint, note varchar(20)) PARTITION BY RANGE (id)";
        assertThat(lint(partitioned, "ALTER TABLE parted ALTER COLUMN note TYPE text")).isEmpty();
        assertThat(lint(TABLE, "ALTER TABLE items ALTER COLUMN name TYPE text COLLATE \"C\"")).extracting(Finding::rule)
                .containsExactly(Rule.TYPE_REWRITE);
    }

    @Test
    void aTypeChangeOfAColumnNoRevisionDefinedSaysTheOldTypeIsUnknown() {
        Finding f = lint("ALTER TABLE users ALTER COLUMN email TYPE text").get(0);

        assertThat(f.rule()).isEqualTo(Rule.TYPE_REWRITE);
        assertThat(f.why()).contains("unless the old type converts without one (varchar(n) → text").contains("check with --db");
    }

    static final String PARTITIONED = "CREATE TABLE events (id bigint, user_id bigint, at date) PARTITION BY RANGE (at)";

    @Test
    void aPartitionedTableOfAnEarlierRevisionGetsThePerPartitionForms() {
        assertThat(lint(PARTITIONED, "NT:CREATE INDEX CONCURRENTLY events_at ON events (at)")).extracting(Finding::rule)
                .containsExactly(Rule.CONCURRENTLY_ON_PARTITIONED);
        assertThat(lint(PARTITIONED, "CREATE INDEX events_at ON ONLY events (at)")).isEmpty();
        assertThat(lint(PARTITIONED, "NT:CREATE INDEX CONCURRENTLY events_2026_at ON events_2026 (at)")).isEmpty();

        Finding plain = lint(PARTITIONED, "CREATE INDEX events_at ON events (at)").get(0);
        assertThat(plain.rule()).isEqualTo(Rule.INDEX_NOT_CONCURRENT);
        assertThat(plain.safeForm()).startsWith("on a partitioned table: CREATE INDEX i ON ONLY parent");
    }

    @Test
    void aPartitionedIndexIsDroppedWithoutConcurrentlyTheOnlyFormPostgresqlAccepts() {
        String index = "CREATE INDEX events_at ON ONLY events (at)";

        Finding concurrent = lint(PARTITIONED, index, "NT:DROP INDEX CONCURRENTLY events_at").get(0);
        assertThat(concurrent.rule()).isEqualTo(Rule.CONCURRENTLY_ON_PARTITIONED);
        assertThat(concurrent.why()).startsWith("PostgreSQL refuses DROP INDEX CONCURRENTLY of a partitioned index");
        assertThat(lint(PARTITIONED, index, "DROP INDEX events_at")).isEmpty();
        assertThat(lint("DROP INDEX plain_idx")).extracting(Finding::rule).containsExactly(Rule.DROP_INDEX_NOT_CONCURRENT);
    }

    @Test
    void aForeignKeyOnAPartitionedTableIsValidatedPartitionByPartition() {
        assertThat(lint(PARTITIONED, "ALTER TABLE events ADD CONSTRAINT events_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID"))
                .extracting(Finding::rule).containsExactly(Rule.NOT_VALID_ON_PARTITIONED);

        Finding plain = lint(PARTITIONED, "ALTER TABLE events ADD CONSTRAINT events_user FOREIGN KEY (user_id) REFERENCES users (id)").get(0);
        assertThat(plain.rule()).isEqualTo(Rule.FK_NOT_VALID);
        assertThat(plain.safeForm()).startsWith("on a partitioned table (PostgreSQL 14-17): per partition ADD CONSTRAINT c FOREIGN KEY ... NOT VALID");
    }

    @Test
    void eachKindOfStatementGetsItsOwnWhyAndSafeForm() {
        assertThat(lint("ALTER TABLE users ADD COLUMN n bigserial").get(0).why()).startsWith("a serial column fills every existing row");
        assertThat(lint("ALTER TABLE users ADD COLUMN t text GENERATED ALWAYS AS (lower(name)) STORED").get(0).why())
                .startsWith("a generated column (stored, or an identity)");
        assertThat(lint("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()").get(0).why()).contains("gen_random_uuid() is evaluated per row");
        assertThat(lint("ALTER TABLE users DROP COLUMN legacy").get(0).safeForm()).startsWith("stop reading and writing the column").doesNotContain("dropTable");
        assertThat(lint("DROP TABLE legacy").get(0).safeForm()).startsWith("ALTER TABLE t RENAME TO _t_backup");
        assertThat(lint("ALTER TABLE users RENAME COLUMN a TO b").get(0).safeForm()).startsWith("ADD COLUMN new; a BEFORE INSERT OR UPDATE trigger");
        assertThat(lint("ALTER TABLE users RENAME TO customers").get(0).safeForm()).startsWith("ALTER TABLE old RENAME TO new; CREATE VIEW old");
        assertThat(lint("ALTER TYPE status RENAME VALUE 'a' TO 'b'").get(0).safeForm()).startsWith("ALTER TYPE t ADD VALUE 'new'");
    }

    @Test
    void everyRuleLeadsWithASafeFormASqlFileCanUseAndMentionsTheOpAfterIt() {
        for (Rule rule : Rule.values()) {
            assertThat(rule.safeForm()).as(rule.id()).doesNotStartWith("op.").doesNotStartWith("use op.");
        }
    }

    @Test
    void theConfigurationSetsEachRulesLevelAndTurnsSingleStyleRulesOn() {
        LintConfig config = LintConfig.defaults().with("prefer-jsonb=error").with("truncate=off").with("style-text", "warning");

        List<Finding> findings = lint(config, "ALTER TABLE users ADD COLUMN meta json; TRUNCATE users; "
                + "ALTER TABLE users ADD COLUMN code varchar(3); ALTER TABLE users ADD COLUMN at timestamp");

        assertThat(findings).extracting(Finding::rule, Finding::severity).containsExactly(
                tuple(Rule.PREFER_JSONB, Rule.Severity.ERROR), tuple(Rule.STYLE_TEXT, Rule.Severity.WARNING));
        assertThat(findings.get(0).fails()).isTrue();
    }

    @Test
    void aConfigurationFileIsReadAndItsMistakesAreNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve(LintConfig.FILE_NAME), "# team rules\nprefer-jsonb = error\nstyle-timestamptz = info\n");
        LintConfig config = LintConfig.defaults().withFile(file);
        assertThat(config.levelOf(Rule.PREFER_JSONB)).contains(Rule.Severity.ERROR);
        assertThat(config.levelOf(Rule.STYLE_TIMESTAMPTZ)).contains(Rule.Severity.INFO);
        assertThat(config.levelOf(Rule.STYLE_TEXT)).isEmpty();

        Files.writeString(file, "prefer-json = error\n");
        assertThatThrownBy(() -> LintConfig.defaults().withFile(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(LintConfig.FILE_NAME + ": unknown lint rule \"prefer-json\"; known: index-not-concurrent,");
        assertThatThrownBy(() -> LintConfig.defaults().with("truncate=never")).isInstanceOf(InvalidInputException.class)
                .hasMessage("lint rule truncate: level \"never\" is not one of error, warning, info, off");
    }
}
