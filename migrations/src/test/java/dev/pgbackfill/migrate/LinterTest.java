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
                        "ALTER TABLE o ADD CONSTRAINT a FOREIGN KEY (x) REFERENCES t (id) NOT VALID, ADD CONSTRAINT b FOREIGN KEY (y) REFERENCES t (id) NOT VALID"),
                // ORMs quote every name: the rules read quoted identifiers as PostgreSQL does
                Arguments.of(Rule.VALIDATE_IN_SAME_TRANSACTION,
                        "ALTER TABLE \"orders\" ADD CONSTRAINT \"fk_user\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") NOT VALID; "
                                + "ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"fk_user\"",
                        "NT:ALTER TABLE \"orders\" ADD CONSTRAINT \"fk_user\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") NOT VALID; "
                                + "ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"fk_user\""),
                Arguments.of(Rule.BACKFILL_IN_DDL_REVISION, "ALTER TABLE users ADD COLUMN email_lower text; UPDATE users SET email_lower = lower(email)",
                        "ALTER TABLE users ADD COLUMN email_lower text"),
                Arguments.of(Rule.BACKFILL_IN_DDL_REVISION, "ALTER TABLE users ADD COLUMN gone boolean; DELETE FROM users WHERE gone",
                        "CREATE TABLE audit (id int); ALTER TABLE audit ADD COLUMN n int; UPDATE audit SET n = 1"),
                Arguments.of(Rule.DROP_INDEX_NOT_CONCURRENT, "DROP INDEX users_status_idx", "NT:DROP INDEX CONCURRENTLY users_status_idx"),
                Arguments.of(Rule.REINDEX_NOT_CONCURRENT, "REINDEX INDEX users_status_idx", "NT:REINDEX INDEX CONCURRENTLY users_status_idx"),
                Arguments.of(Rule.DETACH_PARTITION_NOT_CONCURRENT, "ALTER TABLE events DETACH PARTITION events_2024",
                        "NT:ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY"),
                Arguments.of(Rule.CONCURRENTLY_IN_TRANSACTION, "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY",
                        "NT:ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY"),
                Arguments.of(Rule.BLOCKING_REWRITE, "NT:VACUUM FULL users", "NT:VACUUM (ANALYZE) users"),
                Arguments.of(Rule.BLOCKING_REWRITE, "CLUSTER users USING users_pkey", "ALTER TABLE users CLUSTER ON users_pkey"),
                Arguments.of(Rule.TRUNCATE, "TRUNCATE users CASCADE", "CREATE TABLE scratch (i int); TRUNCATE scratch"),
                Arguments.of(Rule.LOCK_TABLE, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE", "CREATE TABLE scratch (i int); LOCK TABLE scratch"),
                Arguments.of(Rule.DROP_DATABASE, "NT:DROP DATABASE app", "SELECT 1"),
                Arguments.of(Rule.DROP_SCHEMA_CASCADE, "DROP SCHEMA legacy CASCADE", "DROP SCHEMA legacy"),
                Arguments.of(Rule.TRANSACTION_CONTROL, "ALTER TABLE users ADD COLUMN x int; COMMIT", "ALTER TABLE users ADD COLUMN x int"),
                Arguments.of(Rule.TRANSACTION_CONTROL, "NT:BEGIN", "NT:SELECT 1"),
                Arguments.of(Rule.NON_TRANSACTIONAL_STATEMENT, "VACUUM users", "NT:VACUUM users"),
                Arguments.of(Rule.ADD_COLUMN_INLINE_INDEX, "ALTER TABLE users ADD COLUMN code text UNIQUE", "ALTER TABLE users ADD COLUMN code text"),
                Arguments.of(Rule.ADD_COLUMN_INLINE_INDEX, "ALTER TABLE users ADD COLUMN id2 bigint PRIMARY KEY",
                        "CREATE TABLE fresh (i int); ALTER TABLE fresh ADD COLUMN id2 bigint PRIMARY KEY"),
                Arguments.of(Rule.ADD_COLUMN_NOT_NULL, "ALTER TABLE users ADD COLUMN code text NOT NULL",
                        "ALTER TABLE users ADD COLUMN code text NOT NULL DEFAULT ''"),
                Arguments.of(Rule.PREFER_JSONB, "ALTER TABLE users ADD COLUMN meta json", "ALTER TABLE users ADD COLUMN meta jsonb"),
                Arguments.of(Rule.PREFER_JSONB, "CREATE TABLE events (id bigint, payload json)", "CREATE TABLE events (id bigint, payload jsonb)"),
                // volatile defaults by an allow-list: an unknown function (a user's, uuidv7()) counts as volatile
                Arguments.of(Rule.VOLATILE_DEFAULT, "ALTER TABLE users ADD COLUMN id7 uuid DEFAULT uuidv7()",
                        "ALTER TABLE users ADD COLUMN created_on date DEFAULT current_date"),
                Arguments.of(Rule.VOLATILE_DEFAULT, "ALTER TABLE users ADD COLUMN tag text DEFAULT my_tag_for(now())",
                        "ALTER TABLE users ADD COLUMN tag text DEFAULT lower('X')"),
                Arguments.of(Rule.VOLATILE_DEFAULT, "ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY",
                        "CREATE TABLE fresh (n bigint GENERATED ALWAYS AS IDENTITY)"),
                // renames outside ALTER TABLE break the running version just as well
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER TYPE status RENAME VALUE 'gone' TO 'deleted'", "ALTER TYPE status ADD VALUE 'deleted'"),
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER TYPE \"Status\" RENAME TO state", "ALTER TYPE \"Status\" OWNER TO app"),
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER SCHEMA billing RENAME TO invoicing", "CREATE SCHEMA invoicing"),
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER MATERIALIZED VIEW totals RENAME TO sums", "CREATE VIEW sums AS SELECT 1"),
                Arguments.of(Rule.ADD_EXCLUSION_CONSTRAINT, "ALTER TABLE rooms ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&)",
                        "CREATE TABLE rooms2 (during tstzrange); ALTER TABLE rooms2 ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&)"),
                Arguments.of(Rule.NOT_VALID_ON_PARTITIONED, "CREATE TABLE ev (u bigint, at date) PARTITION BY RANGE (at); "
                        + "ALTER TABLE ev ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID",
                        "CREATE TABLE ev (u bigint, at date) PARTITION BY RANGE (at); ALTER TABLE ev ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id)"),
                // a partitioned table created in the revision: CONCURRENTLY is refused there even while it is empty
                Arguments.of(Rule.CONCURRENTLY_ON_PARTITIONED, "NT:CREATE TABLE ev (id bigint, at date) PARTITION BY RANGE (at); "
                        + "CREATE INDEX CONCURRENTLY ev_at ON ev (at)", "NT:CREATE TABLE ev (id bigint, at date) PARTITION BY RANGE (at); "
                        + "CREATE INDEX ev_at ON ONLY ev (at)"));
    }

    static Stream<Arguments> styleRules() {
        return Stream.of(
                Arguments.of(Rule.STYLE_BIGINT_KEY, "CREATE TABLE a (id int PRIMARY KEY, n bigint)", "CREATE TABLE a (id bigint PRIMARY KEY, n int)"),
                Arguments.of(Rule.STYLE_BIGINT_KEY, "CREATE TABLE a (n int, short_id smallint NOT NULL PRIMARY KEY)",
                        "CREATE TABLE a (id bigint, n int, PRIMARY KEY (id))"),
                Arguments.of(Rule.STYLE_IDENTITY, "CREATE TABLE a (id bigserial PRIMARY KEY)",
                        "CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"),
                Arguments.of(Rule.STYLE_TEXT, "CREATE TABLE a (name varchar(100))", "CREATE TABLE a (name text, \"varchar\" text)"),
                Arguments.of(Rule.STYLE_TIMESTAMPTZ, "CREATE TABLE a (at timestamp)", "CREATE TABLE a (at timestamptz, b timestamp(3) with time zone)"),
                Arguments.of(Rule.STYLE_TIMESTAMPTZ, "CREATE TABLE a (at timestamp without time zone)", "CREATE TABLE a (\"timestamp\" timestamptz)"),
                Arguments.of(Rule.STYLE_NO_CHAR, "CREATE TABLE a (code char(2))", "CREATE TABLE a (code varchar, \"char\" text, c character varying)"),
                Arguments.of(Rule.STYLE_NAME_TOO_LONG, "CREATE TABLE a (" + "x".repeat(64) + " int)", "CREATE TABLE a (" + "x".repeat(63) + " int)"));
    }

    /** The unsafe form of every rule with ORM-style quoted names (mixed case, schema-qualified where it can be). */
    static Stream<Arguments> quoted() {
        return Stream.of(
                Arguments.of(Rule.INDEX_NOT_CONCURRENT, "CREATE INDEX \"Users_Status\" ON \"app\".\"Users\" (\"status\")"),
                Arguments.of(Rule.FK_NOT_VALID, "ALTER TABLE \"Orders\" ADD CONSTRAINT \"Fk\" FOREIGN KEY (\"userId\") REFERENCES \"Users\" (\"id\")"),
                Arguments.of(Rule.CONSTRAINT_NOT_VALID, "ALTER TABLE \"Users\" ADD CONSTRAINT \"Positive\" CHECK (\"n\" > 0)"),
                Arguments.of(Rule.UNIQUE_WITHOUT_INDEX, "ALTER TABLE \"Users\" ADD CONSTRAINT \"Users_email_key\" UNIQUE (\"email\")"),
                Arguments.of(Rule.VALIDATE_IN_SAME_TRANSACTION, "ALTER TABLE \"Users\" ADD CONSTRAINT \"C\" CHECK (\"n\" > 0) NOT VALID; "
                        + "ALTER TABLE \"Users\" VALIDATE CONSTRAINT \"C\""),
                Arguments.of(Rule.CONCURRENTLY_IN_TRANSACTION, "CREATE INDEX CONCURRENTLY \"I\" ON \"Users\" (\"a\")"),
                Arguments.of(Rule.SET_NOT_NULL, "ALTER TABLE \"Users\" ALTER COLUMN \"Verified\" SET NOT NULL"),
                Arguments.of(Rule.RENAME_IN_PLACE, "ALTER TABLE \"Users\" RENAME COLUMN \"userName\" TO \"login\""),
                Arguments.of(Rule.TYPE_REWRITE, "ALTER TABLE \"Orders\" ALTER COLUMN \"Total\" TYPE bigint"),
                Arguments.of(Rule.VOLATILE_DEFAULT, "ALTER TABLE \"Users\" ADD COLUMN \"Token\" uuid DEFAULT gen_random_uuid()"),
                Arguments.of(Rule.DROP_WITHOUT_BACKUP, "DROP TABLE \"Legacy\""),
                Arguments.of(Rule.MISSING_LOCK_TIMEOUT, "SET \"lock_timeout\" TO 0"),
                Arguments.of(Rule.DROP_INDEX_NOT_CONCURRENT, "DROP INDEX \"app\".\"Users_Status\""),
                Arguments.of(Rule.REINDEX_NOT_CONCURRENT, "REINDEX INDEX \"Users_Status\""),
                Arguments.of(Rule.DETACH_PARTITION_NOT_CONCURRENT, "ALTER TABLE \"Events\" DETACH PARTITION \"Events_2024\""),
                Arguments.of(Rule.BLOCKING_REWRITE, "CLUSTER \"Users\" USING \"Users_pkey\""),
                Arguments.of(Rule.TRUNCATE, "TRUNCATE TABLE \"app\".\"Users\""),
                Arguments.of(Rule.LOCK_TABLE, "LOCK TABLE \"Users\" IN SHARE MODE"),
                Arguments.of(Rule.DROP_DATABASE, "NT:DROP DATABASE \"App\""),
                Arguments.of(Rule.DROP_SCHEMA_CASCADE, "DROP SCHEMA \"Legacy\" CASCADE"),
                Arguments.of(Rule.TRANSACTION_CONTROL, "ALTER TABLE \"Users\" ADD COLUMN \"x\" int; COMMIT"),
                Arguments.of(Rule.NON_TRANSACTIONAL_STATEMENT, "VACUUM \"Users\""),
                Arguments.of(Rule.BACKFILL_IN_DDL_REVISION, "ALTER TABLE \"Users\" ADD COLUMN \"emailLower\" text; UPDATE \"Users\" SET \"emailLower\" = lower(\"email\")"),
                Arguments.of(Rule.ADD_COLUMN_INLINE_INDEX, "ALTER TABLE \"Users\" ADD COLUMN \"Code\" text UNIQUE"),
                Arguments.of(Rule.ADD_EXCLUSION_CONSTRAINT, "ALTER TABLE \"Meetings\" ADD CONSTRAINT \"No_Overlap\" EXCLUDE USING gist (\"during\" WITH &&)"),
                Arguments.of(Rule.ADD_COLUMN_NOT_NULL, "ALTER TABLE \"Users\" ADD COLUMN \"Code\" text NOT NULL"),
                Arguments.of(Rule.CONCURRENTLY_ON_PARTITIONED, "NT:CREATE TABLE \"Ev\" (\"at\" date) PARTITION BY RANGE (\"at\"); "
                        + "CREATE INDEX CONCURRENTLY \"Ev_at\" ON \"Ev\" (\"at\")"),
                Arguments.of(Rule.NOT_VALID_ON_PARTITIONED, "CREATE TABLE \"Ev\" (\"u\" bigint, \"at\" date) PARTITION BY RANGE (\"at\"); "
                        + "ALTER TABLE \"Ev\" ADD CONSTRAINT \"Fk\" FOREIGN KEY (\"u\") REFERENCES \"Users\" (\"id\") NOT VALID"),
                Arguments.of(Rule.PREFER_JSONB, "ALTER TABLE \"Users\" ADD COLUMN \"Meta\" json"),
                Arguments.of(Rule.STYLE_BIGINT_KEY, "CREATE TABLE \"A\" (\"Id\" int PRIMARY KEY)"),
                Arguments.of(Rule.STYLE_IDENTITY, "CREATE TABLE \"A\" (\"Id\" bigserial)"),
                Arguments.of(Rule.STYLE_TEXT, "CREATE TABLE \"A\" (\"Name\" varchar(10))"),
                Arguments.of(Rule.STYLE_TIMESTAMPTZ, "CREATE TABLE \"A\" (\"At\" timestamp)"),
                Arguments.of(Rule.STYLE_NO_CHAR, "CREATE TABLE \"A\" (\"Code\" char(2))"),
                Arguments.of(Rule.STYLE_NAME_TOO_LONG, "CREATE TABLE \"A\" (\"" + "X".repeat(64) + "\" int)"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("quoted")
    void firesOnQuotedNamesAsOnPlainOnes(Rule rule, String sql) {
        assertThat(rule.style() ? lintWithStyle(sql) : lint(sql)).extracting(Finding::rule).contains(rule);
    }

    @Test
    void everyRuleHasAQuotedNameCaseAndAnUnsafeAndSafeCase() {
        java.util.Set<Rule> quotedRules = quoted().map(a -> (Rule) a.get()[0]).collect(java.util.stream.Collectors.toSet());
        java.util.Set<Rule> pairRules = Stream.concat(rules(), styleRules()).map(a -> (Rule) a.get()[0]).collect(java.util.stream.Collectors.toSet());
        for (Rule rule : Rule.values()) {
            if (rule != Rule.MISSING_DOWNGRADE) { // a revision-level rule: aRevisionWithoutADowngradeIsAnError
                assertThat(quotedRules).as("quoted case of " + rule.id()).contains(rule);
                assertThat(pairRules).as("unsafe/safe case of " + rule.id()).contains(rule);
            }
        }
    }

    static List<Finding> lintWithStyle(String sql) {
        String file = "-- revision: 7\n-- migrate:up\n" + sql + ";\n-- migrate:down\nSELECT 1;\n";
        return Linter.check(RevisionGraph.of(List.of(SqlRevisionParser.parse("m/007.sql", file))), true);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("styleRules")
    void styleRulesAreInfoOnlyWhenAskedForAndNeverFail(Rule rule, String flagged, String fine) {
        assertThat(lintWithStyle(flagged)).extracting(Finding::rule).containsExactly(rule);
        assertThat(lintWithStyle(flagged)).noneMatch(Finding::fails);
        assertThat(lint(flagged)).as("without --style").isEmpty();
        assertThat(lintWithStyle(fine)).isEmpty();
    }

    static Stream<Arguments> falseAlarms() {
        return Stream.of(
                Arguments.of("a column named like a type", "ALTER TABLE users ADD COLUMN \"serial\" int"),
                Arguments.of("a function name in a string literal", "ALTER TABLE users ADD COLUMN note text DEFAULT 'set by random() later'"),
                Arguments.of("a dollar-quoted function body", "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DROP INDEX x; TRUNCATE t $$"),
                Arguments.of("DDL words in a comment", "ALTER TABLE users ADD COLUMN x int /* then DROP INDEX y; /* nested */ TRUNCATE z */"),
                Arguments.of("an E'' string with an escaped quote", "ALTER TABLE users ADD COLUMN s text DEFAULT E'it\\'s random() ok'"),
                Arguments.of("BEGIN ATOMIC of a SQL-standard function body",
                        "CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("falseAlarms")
    void staysQuietOnWhatOnlyLooksDangerous(String what, String sql) {
        assertThat(lint(sql)).as(what).isEmpty();
    }

    @Test
    void aMultiActionAlterTableGetsOneFindingPerOffendingActionPointingAtIt() {
        List<Finding> findings = lint("ALTER TABLE users ADD COLUMN a int, ADD COLUMN b uuid DEFAULT gen_random_uuid(), ALTER COLUMN c TYPE bigint");

        assertThat(findings).extracting(Finding::rule, Finding::statement).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Rule.VOLATILE_DEFAULT, "ALTER TABLE users ADD COLUMN b uuid DEFAULT gen_random_uuid()"),
                org.assertj.core.groups.Tuple.tuple(Rule.TYPE_REWRITE, "ALTER TABLE users ALTER COLUMN c TYPE bigint"));
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
