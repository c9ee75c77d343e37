package dev.pgbackfill.throttle;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.sql.SqlSplitter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A custom health probe is exactly one read-only query. Checked here, without a database, before it is stored or run:
 * the text is split with PostgreSQL's lexical rules (quotes, dollar quotes, comments), so {@code SELECT 1; COMMIT;
 * CREATE TABLE …} is refused as three statements, and a statement that is not a query ({@code INSERT}, {@code DELETE},
 * {@code SET ROLE}, {@code COMMIT}, {@code CALL}, {@code EXPLAIN ANALYZE …}) is refused by its first word. The probe then
 * runs as a prepared statement (one statement, the extended protocol) in a READ ONLY transaction with a statement
 * timeout, which also stops a query that writes through a function or a data-modifying CTE.
 */
public final class ProbeQuery {
    private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values", "table");

    private ProbeQuery() {
    }

    /** The probe as it will run (one statement, without a trailing semicolon); refuses anything else. */
    public static String check(String probe) {
        List<SqlSplitter.Statement> statements = SqlSplitter.split(probe, 1);
        if (statements.isEmpty()) {
            throw new InvalidInputException("probe", "--probe is empty; give one query returning a number or a boolean, e.g. "
                    + "--probe \"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'\"");
        }
        if (statements.size() > 1) {
            throw new InvalidInputException("probe", "--probe must be one query, got " + statements.size() + " statements; nothing was run");
        }
        String sql = statements.get(0).sql();
        String first = firstWord(sql);
        if (!QUERY_STARTS.contains(first)) {
            throw new InvalidInputException("probe", "--probe must be a read-only query (SELECT, WITH, VALUES or TABLE), got "
                    + first.toUpperCase(Locale.ROOT) + "; nothing was run");
        }
        return sql;
    }

    /** The statement's first word, lower-cased, after leading comments and parentheses. */
    private static String firstWord(String sql) {
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
                i = SqlSplitter.tokenEnd(sql, i);
            } else {
                break;
            }
        }
        int end = i;
        while (end < sql.length() && (Character.isLetter(sql.charAt(end)) || sql.charAt(end) == '_')) {
            end++;
        }
        return sql.substring(i, end).toLowerCase(Locale.ROOT);
    }
}
