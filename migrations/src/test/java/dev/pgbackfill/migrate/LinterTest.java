package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.migrate.lint.Finding;
import dev.pgbackfill.migrate.lint.Linter;
import dev.pgbackfill.migrate.lint.Rule;
import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every lint rule fires on the dangerous form and stays silent on the safe one. */
class LinterTest {

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of(Rule.INDEX_NOT_CONCURRENT, "CREATE INDEX users_status_idx ON users (status)",
                        "NT:CREATE INDEX CONCURRENTLY users_status_idx ON users (status)"),
                Arguments.of(Rule.INDEX_NOT_CONCURRENT, "CREATE UNIQUE INDEX u ON public.users (email)",
                        "CREATE TABLE users2 (email text); CREATE UNIQUE INDEX u ON users2 (email)"),
                Arguments.of(Rule.FK_NOT_VALID, "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)",
                        "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID"),
                Arguments.of(Rule.FK_NOT_VALID, "ALTER TABLE orders ADD COLUMN user_id uuid REFERENCES users (id)",
                        "ALTER TABLE orders ADD COLUMN user_id uuid"),
                Arguments.of(Rule.SET_NOT_NULL, "ALTER TABLE users ALTER COLUMN verified SET NOT NULL",
                        "NT:ALTER TABLE users ADD CONSTRAINT v_nn CHECK (verified IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT v_nn; "
                                + "ALTER TABLE users ALTER COLUMN verified SET NOT NULL; ALTER TABLE users DROP CONSTRAINT v_nn"),
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER TABLE users RENAME COLUMN username TO login", "ALTER TABLE users ADD COLUMN login text"),
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER TABLE users RENAME TO customers", "ALTER TABLE users RENAME CONSTRAINT a TO b"),
                Arguments.of(Rule.TYPE_REWRITE, "ALTER TABLE orders ALTER COLUMN total TYPE bigint", "ALTER TABLE orders ADD COLUMN total_cents bigint"),
                Arguments.of(Rule.TYPE_REWRITE, "ALTER TABLE orders ALTER total SET DATA TYPE bigint", "ALTER TABLE orders ALTER total SET DEFAULT 0"),
                Arguments.of(Rule.VOLATILE_DEFAULT, "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
                        "ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now()"),
                Arguments.of(Rule.VOLATILE_DEFAULT, "ALTER TABLE users ADD COLUMN n bigserial", "ALTER TABLE users ADD COLUMN n bigint"),
                Arguments.of(Rule.DROP_WITHOUT_BACKUP, "DROP TABLE legacy", "ALTER TABLE legacy RENAME TO _legacy_backup"),
                Arguments.of(Rule.DROP_WITHOUT_BACKUP, "ALTER TABLE users DROP COLUMN username", "ALTER TABLE users DROP CONSTRAINT c"),
                Arguments.of(Rule.MISSING_LOCK_TIMEOUT, "SET lock_timeout = 0", "SET lock_timeout = '2s'"),
                Arguments.of(Rule.MISSING_LOCK_TIMEOUT, "RESET lock_timeout", "SET statement_timeout = 0"),
                Arguments.of(Rule.MISSING_LOCK_TIMEOUT, "SET lock_timeout = '1h'", "SET lock_timeout TO 5000"),
                Arguments.of(Rule.CONSTRAINT_NOT_VALID, "ALTER TABLE users ADD CONSTRAINT positive CHECK (n > 0)",
                        "ALTER TABLE users ADD CONSTRAINT positive CHECK (n > 0) NOT VALID"),
                Arguments.of(Rule.UNIQUE_WITHOUT_INDEX, "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
                        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx"),
                Arguments.of(Rule.VALIDATE_IN_SAME_TRANSACTION,
                        "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT fk",
                        "NT:ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT fk"),
                Arguments.of(Rule.CONCURRENTLY_IN_TRANSACTION, "DROP INDEX CONCURRENTLY users_status_idx", "NT:DROP INDEX CONCURRENTLY users_status_idx"),
                Arguments.of(Rule.VOLATILE_DEFAULT, "ALTER TABLE orders ADD COLUMN price numeric(10,2) DEFAULT random()",
                        "ALTER TABLE orders ADD COLUMN price numeric(10,2) DEFAULT 0"),
                Arguments.of(Rule.DROP_WITHOUT_BACKUP, "ALTER TABLE users DROP username", "ALTER TABLE users DROP CONSTRAINT users_username_key"),
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER TABLE users RENAME COLUMN \"first name\" TO first_name", "ALTER TABLE users RENAME TO _users_backup"),
                Arguments.of(Rule.FK_NOT_VALID, "ALTER TABLE o ADD CONSTRAINT a FOREIGN KEY (x) REFERENCES t (id) NOT VALID, ADD CONSTRAINT b FOREIGN KEY (y) REFERENCES t (id)",
                        "ALTER TABLE o ADD CONSTRAINT a FOREIGN KEY (x) REFERENCES t (id) NOT VALID, ADD CONSTRAINT b FOREIGN KEY (y) REFERENCES t (id) NOT VALID"));
    }

    /** {@code NT:} in front makes the revision non-transactional. */
    static List<Finding> lint(String sql) {
        boolean nt = sql.startsWith("NT:");
        String body = nt ? sql.substring(3) : sql;
        String file = "-- revision: 7\n" + (nt ? "-- transactional: false\n" : "") + "-- migrate:up\n" + body.replace("; ", ";\n") + ";\n-- migrate:down\nSELECT 1;\n";
        Revision r = SqlRevisionParser.parse("m/007.sql", file);
        return Linter.check(RevisionGraph.of(List.of(r)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rules")
    void firesOnTheDangerousFormAndNotOnTheSafeOne(Rule rule, String dangerous, String safe) {
        assertThat(lint(dangerous)).extracting(Finding::rule).containsExactly(rule);
        assertThat(lint(safe)).isEmpty();
    }

    @Test
    void aFindingNamesTheRevisionTheStatementWhyAndTheSafeForm() {
        Finding f = lint("CREATE INDEX users_status_idx ON users (status)").get(0);

        assertThat(f.render()).isEqualTo("""
                error   [index-not-concurrent] revision 7 (007.sql:3): CREATE INDEX users_status_idx ON users (status)
                        why: a plain CREATE INDEX on an existing table blocks every write to it until the build ends
                        safe form: CREATE INDEX CONCURRENTLY in a revision marked "-- transactional: false", or op.createIndex (lowered to it)""");
        assertThat(f.fails()).isTrue();
    }

    @Test
    void anAcknowledgedFindingIsReportedButDoesNotFail() {
        Revision r = SqlRevisionParser.parse("m/8.sql", "-- revision: 8\n-- lint-ack: drop-without-backup\n-- migrate:up\nDROP TABLE legacy;\n-- migrate:down\nSELECT 1;\n");

        List<Finding> findings = Linter.check(RevisionGraph.of(List.of(r)));

        assertThat(findings).extracting(Finding::rule, Finding::acknowledged).containsExactly(org.assertj.core.groups.Tuple.tuple(Rule.DROP_WITHOUT_BACKUP, true));
        assertThat(findings.get(0).fails()).isFalse();
    }

    @Test
    void aCheckValidatedByAnEarlierRevisionProvesNotNullForALaterOne() {
        Revision check = SqlRevisionParser.parse("m/1.sql", "-- revision: 1\n-- migrate:up\n"
                + "ALTER TABLE users ADD CONSTRAINT v_nn CHECK (verified IS NOT NULL) NOT VALID;\n-- migrate:down\nSELECT 1;\n");
        Revision validate = SqlRevisionParser.parse("m/2.sql", "-- revision: 2\n-- down_revision: 1\n-- migrate:up\n"
                + "ALTER TABLE users VALIDATE CONSTRAINT v_nn;\n-- migrate:down\nSELECT 1;\n");
        Revision setNotNull = SqlRevisionParser.parse("m/3.sql", "-- revision: 3\n-- down_revision: 2\n-- migrate:up\n"
                + "ALTER TABLE users ALTER COLUMN verified SET NOT NULL;\n-- migrate:down\nSELECT 1;\n");

        assertThat(Linter.check(RevisionGraph.of(List.of(check, validate, setNotNull)))).isEmpty();
    }

    @Test
    void aRevisionWithoutADowngradeIsAnError() {
        Revision r = SqlRevisionParser.parse("m/9.sql", "-- revision: 9\n-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n");

        assertThat(Linter.check(RevisionGraph.of(List.of(r)))).extracting(Finding::rule).containsExactly(Rule.MISSING_DOWNGRADE);
    }

    @Test
    void dslOpsAreJudgedOnWhatTheyAskNotOnTheirSafeLowering() {
        Revision r = new Revision("10", List.of(), "", "Java", true, Set.of(), List.of(
                new Op.CreateIndex("i", "users", List.of("a"), false, null),
                new Op.AddForeignKey("fk", "orders", List.of("u"), "users", List.of("id"), null),
                new Op.SetNotNull("users", "a"),
                new Op.RenameColumn("users", "a", "b", "text"),
                new Op.AlterColumn("orders", "total", "bigint", null, null, false, null),
                new Op.AddColumn("users", Column.of("token", "uuid").defaultSql("gen_random_uuid()")),
                new Op.DropColumn("users", "old")), List.of(new Op.DropColumn("users", "b")), true);

        assertThat(Linter.check(RevisionGraph.of(List.of(r)))).extracting(Finding::rule)
                .containsExactly(Rule.TYPE_REWRITE, Rule.VOLATILE_DEFAULT, Rule.DROP_WITHOUT_BACKUP);
    }

    @Test
    void theShippedExamplesPassTheCheck() {
        List<Finding> findings = Linter.check(RevisionGraph.of(dev.pgbackfill.migrate.examples.Examples.revisions()));

        assertThat(findings).noneMatch(Finding::fails);
        assertThat(findings).extracting(Finding::revision, Finding::rule).containsExactly(org.assertj.core.groups.Tuple.tuple("008", Rule.DROP_WITHOUT_BACKUP));
    }
}
