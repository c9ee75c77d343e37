package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.migrate.lint.Catalog;
import dev.pgbackfill.migrate.lint.Finding;
import dev.pgbackfill.migrate.lint.LintConfig;
import dev.pgbackfill.migrate.lint.Linter;
import dev.pgbackfill.migrate.lint.Rule;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unsafe examples of squawk's rule pages and strong_migrations' checks, each with the safe form those tools
 * document, in the spelling their users write (ORM-quoted names included). The table in docs/migrations.md maps
 * every rule of both tools to the pgbackfill rule here, or says why none. {@code NT:} marks a non-transactional
 * revision; style rules are checked with {@code --style}.
 */
class LintCorpusTest {

    static Stream<Arguments> corpus() {
        return Stream.of(
                // squawk
                Arguments.of("squawk adding-field-with-default", Rule.VOLATILE_DEFAULT,
                        "ALTER TABLE \"core_recipe\" ADD COLUMN \"foo\" uuid DEFAULT gen_random_uuid()",
                        "ALTER TABLE \"core_recipe\" ADD COLUMN \"foo\" integer DEFAULT 10 NOT NULL"),
                Arguments.of("squawk adding-foreign-key-constraint", Rule.FK_NOT_VALID,
                        "ALTER TABLE \"email\" ADD CONSTRAINT \"fk_user\" FOREIGN KEY (\"user_id\") REFERENCES \"user\" (\"id\")",
                        "ALTER TABLE \"email\" ADD CONSTRAINT \"fk_user\" FOREIGN KEY (\"user_id\") REFERENCES \"user\" (\"id\") NOT VALID"),
                Arguments.of("squawk adding-foreign-key-constraint (column)", Rule.FK_NOT_VALID,
                        "ALTER TABLE \"emails\" ADD COLUMN \"user_id\" INT REFERENCES \"user\" (\"id\")", "ALTER TABLE \"emails\" ADD COLUMN \"user_id\" INT"),
                Arguments.of("squawk adding-not-nullable-field", Rule.SET_NOT_NULL, "ALTER TABLE \"core_recipe\" ALTER COLUMN \"foo\" SET NOT NULL",
                        "NT:ALTER TABLE \"core_recipe\" ADD CONSTRAINT foo_not_null CHECK (\"foo\" IS NOT NULL) NOT VALID; "
                                + "ALTER TABLE \"core_recipe\" VALIDATE CONSTRAINT foo_not_null; ALTER TABLE \"core_recipe\" ALTER COLUMN \"foo\" SET NOT NULL"),
                Arguments.of("squawk adding-required-field", Rule.ADD_COLUMN_NOT_NULL, "ALTER TABLE \"core_recipe\" ADD COLUMN \"foo\" integer NOT NULL",
                        "ALTER TABLE \"core_recipe\" ADD COLUMN \"foo\" integer NOT NULL DEFAULT 10"),
                Arguments.of("squawk adding-serial-primary-key-field", Rule.ADD_COLUMN_INLINE_INDEX, "ALTER TABLE a ADD COLUMN b SERIAL PRIMARY KEY",
                        "NT:CREATE UNIQUE INDEX CONCURRENTLY items_pk ON items (id); ALTER TABLE items ADD CONSTRAINT items_pk PRIMARY KEY USING INDEX items_pk"),
                Arguments.of("squawk ban-char-field", Rule.STYLE_NO_CHAR, "CREATE TABLE \"app_user\" (\"id\" bigint PRIMARY KEY, \"name\" char(100) NOT NULL)",
                        "CREATE TABLE \"app_user\" (\"id\" bigint PRIMARY KEY, \"name\" text NOT NULL)"),
                Arguments.of("squawk ban-concurrent-index-creation-in-transaction", Rule.CONCURRENTLY_IN_TRANSACTION,
                        "CREATE INDEX CONCURRENTLY \"field_name_idx\" ON \"table_name\" (\"field_name\")",
                        "NT:CREATE INDEX CONCURRENTLY \"field_name_idx\" ON \"table_name\" (\"field_name\")"),
                Arguments.of("squawk ban-drop-column", Rule.DROP_WITHOUT_BACKUP, "ALTER TABLE \"bar_tbl\" DROP COLUMN \"foo_col\" CASCADE",
                        "ALTER TABLE \"bar_tbl\" DROP CONSTRAINT \"foo_col_check\""),
                Arguments.of("squawk ban-drop-database", Rule.DROP_DATABASE, "NT:DROP DATABASE \"table_name\"", "SELECT 1"),
                Arguments.of("squawk ban-drop-table", Rule.DROP_WITHOUT_BACKUP, "DROP TABLE \"table_name\"", "ALTER TABLE \"table_name\" RENAME TO \"_table_name_backup\""),
                Arguments.of("squawk changing-column-type", Rule.TYPE_REWRITE, "ALTER TABLE \"core_recipe\" ALTER COLUMN \"edits\" TYPE bigint",
                        "CREATE TABLE \"core_recipe2\" (\"edits\" varchar(20)); ALTER TABLE \"core_recipe2\" ALTER COLUMN \"edits\" TYPE text"),
                Arguments.of("squawk constraint-missing-not-valid", Rule.CONSTRAINT_NOT_VALID,
                        "ALTER TABLE \"accounts\" ADD CONSTRAINT \"positive_balance\" CHECK (\"balance\" >= 0)",
                        "ALTER TABLE \"accounts\" ADD CONSTRAINT \"positive_balance\" CHECK (\"balance\" >= 0) NOT VALID"),
                Arguments.of("squawk constraint-missing-not-valid (validated in the same transaction)", Rule.VALIDATE_IN_SAME_TRANSACTION,
                        "ALTER TABLE \"accounts\" ADD CONSTRAINT \"positive_balance\" CHECK (\"balance\" >= 0) NOT VALID; "
                                + "ALTER TABLE accounts VALIDATE CONSTRAINT positive_balance", null),
                Arguments.of("squawk disallowed-unique-constraint", Rule.UNIQUE_WITHOUT_INDEX,
                        "ALTER TABLE table_name ADD CONSTRAINT field_name_constraint UNIQUE (field_name)",
                        "ALTER TABLE table_name ADD CONSTRAINT field_name_constraint UNIQUE USING INDEX field_name_idx"),
                Arguments.of("squawk disallowed-unique-constraint (column)", Rule.ADD_COLUMN_INLINE_INDEX, "ALTER TABLE foo ADD COLUMN bar text UNIQUE", null),
                Arguments.of("squawk prefer-bigint-over-int", Rule.STYLE_BIGINT_KEY, "CREATE TABLE users (id int PRIMARY KEY)",
                        "CREATE TABLE users (id bigint PRIMARY KEY)"),
                Arguments.of("squawk prefer-bigint-over-smallint", Rule.STYLE_BIGINT_KEY, "CREATE TABLE users (id smallint PRIMARY KEY)", null),
                Arguments.of("squawk prefer-identity", Rule.STYLE_IDENTITY, "CREATE TABLE users (id bigserial PRIMARY KEY)",
                        "CREATE TABLE users (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)"),
                Arguments.of("squawk prefer-text-field", Rule.STYLE_TEXT, "CREATE TABLE \"core_bar\" (\"id\" bigint PRIMARY KEY, \"alpha\" varchar(100) NOT NULL)",
                        "CREATE TABLE \"core_bar\" (\"id\" bigint PRIMARY KEY, \"alpha\" text NOT NULL)"),
                Arguments.of("squawk prefer-timestamptz", Rule.STYLE_TIMESTAMPTZ, "CREATE TABLE app.users (created_ts timestamp)",
                        "CREATE TABLE app.users (created_ts timestamptz)"),
                Arguments.of("squawk renaming-column", Rule.RENAME_IN_PLACE, "ALTER TABLE \"table_name\" RENAME COLUMN \"column_name\" TO \"new_column_name\"", null),
                Arguments.of("squawk renaming-table", Rule.RENAME_IN_PLACE, "ALTER TABLE \"table_name\" RENAME TO \"new_table_name\"", null),
                Arguments.of("squawk require-concurrent-index-creation", Rule.INDEX_NOT_CONCURRENT, "CREATE INDEX \"field_name_idx\" ON \"table_name\" (\"field_name\")",
                        "NT:CREATE INDEX CONCURRENTLY \"field_name_idx\" ON \"table_name\" (\"field_name\")"),
                Arguments.of("squawk require-concurrent-index-deletion", Rule.DROP_INDEX_NOT_CONCURRENT, "DROP INDEX IF EXISTS \"field_name_idx\"",
                        "NT:DROP INDEX CONCURRENTLY IF EXISTS \"field_name_idx\""),
                Arguments.of("squawk transaction-nesting", Rule.TRANSACTION_CONTROL, "BEGIN; ALTER TABLE t ADD COLUMN c text; COMMIT", "ALTER TABLE t ADD COLUMN c text"),
                Arguments.of("squawk ban-uncommitted-transaction", Rule.TRANSACTION_CONTROL, "NT:BEGIN; ALTER TABLE t ADD COLUMN c text", null),
                Arguments.of("squawk ban-alter-domain-with-add-constraint", Rule.CONSTRAINT_NOT_VALID,
                        "ALTER DOMAIN domain_name ADD CONSTRAINT constraint_name CHECK (VALUE > 0)",
                        "ALTER DOMAIN domain_name ADD CONSTRAINT constraint_name CHECK (VALUE > 0) NOT VALID"),
                Arguments.of("squawk ban-truncate-cascade", Rule.TRUNCATE, "TRUNCATE a, b, c CASCADE", null),
                Arguments.of("squawk require-timeout-settings", Rule.MISSING_LOCK_TIMEOUT, "SET lock_timeout = 0", "SET lock_timeout = '1s'"),
                Arguments.of("squawk identifier-too-long", Rule.STYLE_NAME_TOO_LONG, "CREATE TABLE " + "t".repeat(64) + " (id bigint)", null),
                Arguments.of("squawk require-concurrent-partition-detach", Rule.DETACH_PARTITION_NOT_CONCURRENT,
                        "ALTER TABLE measurement DETACH PARTITION measurement_y2006m02", "NT:ALTER TABLE measurement DETACH PARTITION measurement_y2006m02 CONCURRENTLY"),
                Arguments.of("squawk require-concurrent-reindex", Rule.REINDEX_NOT_CONCURRENT, "REINDEX TABLE my_table", "NT:REINDEX TABLE CONCURRENTLY my_table"),
                Arguments.of("squawk prefer-repack", Rule.BLOCKING_REWRITE, "NT:VACUUM FULL my_table", "NT:VACUUM my_table"),
                Arguments.of("squawk ban-drop-schema (cascade)", Rule.DROP_SCHEMA_CASCADE, "DROP SCHEMA reporting CASCADE", "DROP SCHEMA reporting"),
                // strong_migrations
                Arguments.of("strong_migrations removing a column", Rule.DROP_WITHOUT_BACKUP, "ALTER TABLE \"users\" DROP COLUMN \"some_column\"", null),
                Arguments.of("strong_migrations changing the type of a column", Rule.TYPE_REWRITE, "ALTER TABLE \"users\" ALTER COLUMN \"some_column\" TYPE bigint",
                        "CREATE TABLE u2 (c varchar(20), p numeric(10, 2)); ALTER TABLE u2 ALTER COLUMN c TYPE varchar(40), ALTER COLUMN p TYPE numeric(12, 2)"),
                Arguments.of("strong_migrations renaming a column", Rule.RENAME_IN_PLACE, "ALTER TABLE \"users\" RENAME COLUMN \"some_column\" TO \"new_name\"", null),
                Arguments.of("strong_migrations renaming a table", Rule.RENAME_IN_PLACE, "ALTER TABLE \"users\" RENAME TO \"customers\"", null),
                Arguments.of("strong_migrations creating a table with the force option", Rule.DROP_WITHOUT_BACKUP,
                        "DROP TABLE IF EXISTS \"users\" CASCADE; CREATE TABLE \"users\" (\"id\" bigint PRIMARY KEY)", "CREATE TABLE \"users\" (\"id\" bigint PRIMARY KEY)"),
                Arguments.of("strong_migrations adding an auto-incrementing column", Rule.VOLATILE_DEFAULT, "ALTER TABLE \"users\" ADD \"some_column\" bigserial", null),
                Arguments.of("strong_migrations adding a stored generated column", Rule.VOLATILE_DEFAULT,
                        "ALTER TABLE \"users\" ADD \"some_column\" integer GENERATED ALWAYS AS (id + 1) STORED", null),
                Arguments.of("strong_migrations adding a check constraint", Rule.CONSTRAINT_NOT_VALID,
                        "ALTER TABLE \"users\" ADD CONSTRAINT \"price_check\" CHECK (price > 0)",
                        "ALTER TABLE \"users\" ADD CONSTRAINT \"price_check\" CHECK (price > 0) NOT VALID"),
                Arguments.of("strong_migrations backfilling data", Rule.BACKFILL_IN_DDL_REVISION,
                        "ALTER TABLE \"users\" ADD \"some_column\" text; UPDATE \"users\" SET \"some_column\" = 'default_value'",
                        "ALTER TABLE \"users\" ADD \"some_column\" text"),
                Arguments.of("strong_migrations adding an index non-concurrently", Rule.INDEX_NOT_CONCURRENT,
                        "CREATE INDEX \"index_users_on_some_column\" ON \"users\" (\"some_column\")",
                        "NT:CREATE INDEX CONCURRENTLY \"index_users_on_some_column\" ON \"users\" (\"some_column\")"),
                Arguments.of("strong_migrations adding a reference", Rule.INDEX_NOT_CONCURRENT,
                        "ALTER TABLE \"users\" ADD \"city_id\" bigint; CREATE INDEX \"index_users_on_city_id\" ON \"users\" (\"city_id\")", null),
                Arguments.of("strong_migrations adding a foreign key", Rule.FK_NOT_VALID,
                        "ALTER TABLE \"users\" ADD CONSTRAINT \"fk_rails_c1e9b98e31\" FOREIGN KEY (\"order_id\") REFERENCES \"orders\" (\"id\")",
                        "ALTER TABLE \"users\" ADD CONSTRAINT \"fk_rails_c1e9b98e31\" FOREIGN KEY (\"order_id\") REFERENCES \"orders\" (\"id\") NOT VALID"),
                Arguments.of("strong_migrations adding a unique constraint", Rule.UNIQUE_WITHOUT_INDEX,
                        "ALTER TABLE \"users\" ADD CONSTRAINT \"users_some_column_key\" UNIQUE (\"some_column\")",
                        "ALTER TABLE \"users\" ADD CONSTRAINT \"users_some_column_key\" UNIQUE USING INDEX \"index_users_on_some_column\""),
                Arguments.of("strong_migrations adding an exclusion constraint", Rule.ADD_EXCLUSION_CONSTRAINT,
                        "ALTER TABLE \"meetings\" ADD CONSTRAINT \"no_overlap\" EXCLUDE USING gist (room_id WITH =, during WITH &&)",
                        "CREATE TABLE \"meetings2\" (room_id int, during tstzrange); ALTER TABLE \"meetings2\" ADD CONSTRAINT \"no_overlap\" "
                                + "EXCLUDE USING gist (room_id WITH =, during WITH &&)"),
                Arguments.of("strong_migrations adding a json column", Rule.PREFER_JSONB, "ALTER TABLE \"users\" ADD \"properties\" json",
                        "ALTER TABLE \"users\" ADD \"properties\" jsonb"),
                Arguments.of("strong_migrations setting NOT NULL on an existing column", Rule.SET_NOT_NULL,
                        "ALTER TABLE \"users\" ALTER COLUMN \"some_column\" SET NOT NULL", null),
                Arguments.of("strong_migrations adding a column with a volatile default value", Rule.VOLATILE_DEFAULT,
                        "ALTER TABLE \"users\" ADD \"some_column\" uuid DEFAULT gen_random_uuid()", "ALTER TABLE \"users\" ADD \"some_column\" uuid"),
                Arguments.of("strong_migrations renaming a schema", Rule.RENAME_IN_PLACE, "ALTER SCHEMA \"foo\" RENAME TO \"bar\"", null),
                Arguments.of("strong_migrations short primary key type", Rule.STYLE_BIGINT_KEY, "CREATE TABLE \"users\" (\"id\" integer PRIMARY KEY)", null),
                Arguments.of("strong_migrations removing an index non-concurrently", Rule.DROP_INDEX_NOT_CONCURRENT, "DROP INDEX \"index_users_on_some_column\"",
                        "NT:DROP INDEX CONCURRENTLY \"index_users_on_some_column\""));
    }

    /** Style rules are checked with --style; the others without, as CI runs by default. */
    static List<Finding> lint(String sql, boolean style) {
        boolean nt = sql.startsWith("NT:");
        String body = nt ? sql.substring(3) : sql;
        String file = "-- revision: 1\n" + (nt ? "-- transactional: false\n" : "") + "-- migrate:up\n" + body.replace("; ", ";\n") + ";\n-- migrate:down\nSELECT 1;\n";
        return Linter.check(RevisionGraph.of(List.of(SqlRevisionParser.parse("m/1.sql", file))), LintConfig.defaults().withStyle(style), Catalog.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void catchesTheUnsafeExampleAndStaysQuietOnItsSafeForm(String example, Rule rule, String unsafe, String safe) {
        assertThat(lint(unsafe, rule.style())).extracting(Finding::rule).as(example).contains(rule);
        if (safe != null) {
            assertThat(lint(safe, rule.style())).as(example + ", its safe form").isEmpty();
        }
    }
}
