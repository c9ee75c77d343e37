package dev.pgbackfill.migrate.lint;

/**
 * Where the rules of one revision put what they find. {@code table} (may be null) lets the report add what the
 * database says about it; {@code why} and {@code safeForm} (null: the rule's own) sharpen the message for this case.
 */
@FunctionalInterface
interface Report {
    void add(Rule rule, String statement, String table, String why, String safeForm);

    default void add(Rule rule, String statement) {
        add(rule, statement, null, null, null);
    }

    default void add(Rule rule, String statement, String table) {
        add(rule, statement, table, null, null);
    }
}
