package dev.pgbackfill.migrate.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules a whole statement breaks by what it is, read from its masked text ({@link LintText}): blocking
 * maintenance, statements that cannot run in a transaction, transaction control. {@code isNew} tells a table created
 * earlier in the revision (empty, so locking it harms nobody).
 */
final class StatementRules {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    static final String NAME = "((?:\"(?:[^\"]|\"\")+\"|[\\w$]+)(?:\\.(?:\"(?:[^\"]|\"\")+\"|[\\w$]+))?)";
    private static final Pattern DROP_INDEX = Pattern.compile("^DROP\\s+INDEX\\s+(?!CONCURRENTLY\\b)", FLAGS);
    private static final Pattern REINDEX = Pattern.compile("^REINDEX\\b(?!.*\\bCONCURRENTLY\\b)", FLAGS);
    private static final Pattern DETACH = Pattern.compile("^ALTER\\s+TABLE\\b.*\\bDETACH\\s+PARTITION\\b(?!.*\\b(?:CONCURRENTLY|FINALIZE)\\b)", FLAGS);
    private static final Pattern VACUUM_FULL = Pattern.compile("^VACUUM\\s*(?:\\([^)]*\\bFULL\\b[^)]*\\)|\\bFULL\\b)", FLAGS);
    private static final Pattern CLUSTER = Pattern.compile("^CLUSTER\\b", FLAGS);
    private static final Pattern TRUNCATE = Pattern.compile("^TRUNCATE\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?" + NAME, FLAGS);
    private static final Pattern LOCK = Pattern.compile("^LOCK\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?" + NAME, FLAGS);
    private static final Pattern DROP_DATABASE = Pattern.compile("^DROP\\s+DATABASE\\b", FLAGS);
    private static final Pattern DROP_SCHEMA_CASCADE = Pattern.compile("^DROP\\s+SCHEMA\\b.*\\bCASCADE\\s*$", FLAGS);
    private static final Pattern TRANSACTION = Pattern.compile("^(?:BEGIN|START\\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\\b(?!\\s+ATOMIC)", FLAGS);
    private static final Pattern NOT_IN_TRANSACTION = Pattern.compile("^(?:VACUUM|CREATE\\s+DATABASE|DROP\\s+DATABASE|ALTER\\s+SYSTEM)\\b", FLAGS);

    private StatementRules() {
    }

    static List<Rule> check(String masked, boolean transactional, Predicate<String> isNew) {
        List<Rule> out = new ArrayList<>();
        if (DROP_INDEX.matcher(masked).find()) {
            out.add(Rule.DROP_INDEX_NOT_CONCURRENT);
        }
        if (REINDEX.matcher(masked).find()) {
            out.add(Rule.REINDEX_NOT_CONCURRENT);
        }
        if (DETACH.matcher(masked).find()) {
            out.add(Rule.DETACH_PARTITION_NOT_CONCURRENT);
        }
        if (VACUUM_FULL.matcher(masked).find() || CLUSTER.matcher(masked).find()) {
            out.add(Rule.BLOCKING_REWRITE);
        }
        Matcher truncate = TRUNCATE.matcher(masked);
        if (truncate.find() && !isNew.test(truncate.group(1))) {
            out.add(Rule.TRUNCATE);
        }
        Matcher lock = LOCK.matcher(masked);
        if (lock.find() && !isNew.test(lock.group(1))) {
            out.add(Rule.LOCK_TABLE);
        }
        if (DROP_DATABASE.matcher(masked).find()) {
            out.add(Rule.DROP_DATABASE);
        }
        if (DROP_SCHEMA_CASCADE.matcher(masked).find()) {
            out.add(Rule.DROP_SCHEMA_CASCADE);
        }
        if (TRANSACTION.matcher(masked).find()) {
            out.add(Rule.TRANSACTION_CONTROL);
        }
        if (transactional && NOT_IN_TRANSACTION.matcher(masked).find()) {
            out.add(Rule.NON_TRANSACTIONAL_STATEMENT);
        }
        return out;
    }
}
