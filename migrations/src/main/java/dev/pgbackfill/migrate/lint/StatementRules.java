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
    static final String NAME = LintText.NAME;
    private static final Pattern DROP_INDEX = Pattern.compile("^DROP\\s+INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+EXISTS\\s+)?" + NAME, FLAGS);
    static final String PARTITIONED_DROP_WHY = "PostgreSQL refuses DROP INDEX CONCURRENTLY of a partitioned index: the revision would fail";
    static final String PARTITIONED_DROP_SAFE = "DROP INDEX without CONCURRENTLY, in a revision of its own: the only form for a partitioned index; "
            + "its ACCESS EXCLUSIVE lock on the table and its partitions lasts as long as the catalog change";
    private static final Pattern REINDEX = Pattern.compile("^REINDEX\\b(?!.*\\bCONCURRENTLY\\b)", FLAGS);
    private static final Pattern DETACH = Pattern.compile("^ALTER\\s+TABLE\\b.*\\bDETACH\\s+PARTITION\\b(?!.*\\b(?:CONCURRENTLY|FINALIZE)\\b)", FLAGS);
    private static final Pattern VACUUM_FULL = Pattern.compile("^VACUUM\\s*(?:\\([^)]*\\bFULL\\b[^)]*\\)|\\bFULL\\b)", FLAGS);
    private static final Pattern CLUSTER = Pattern.compile("^CLUSTER\\b", FLAGS);
    private static final Pattern TRUNCATE = Pattern.compile("^TRUNCATE\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?" + NAME, FLAGS);
    private static final Pattern LOCK = Pattern.compile("^LOCK\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?" + NAME, FLAGS);
    private static final Pattern DROP_DATABASE = Pattern.compile("^DROP\\s+DATABASE\\b", FLAGS);
    private static final Pattern DROP_SCHEMA_CASCADE = Pattern.compile("^DROP\\s+SCHEMA\\b.*\\bCASCADE\\s*$", FLAGS);
    private static final Pattern TRANSACTION = Pattern.compile("^(?:BEGIN|START\\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\\b(?!\\s+ATOMIC)", FLAGS);
    private static final Pattern RENAME_ENUM_VALUE = Pattern.compile("^ALTER\\s+TYPE\\s+" + NAME + "\\s+RENAME\\s+VALUE\\b", FLAGS);
    private static final Pattern RENAME_TYPE = Pattern.compile("^ALTER\\s+(?:TYPE|DOMAIN)\\s+" + NAME + "\\s+RENAME\\s+TO\\b", FLAGS);
    private static final Pattern RENAME_SCHEMA = Pattern.compile("^ALTER\\s+SCHEMA\\s+" + NAME + "\\s+RENAME\\s+TO\\b", FLAGS);
    private static final Pattern RENAME_VIEW = Pattern.compile("^ALTER\\s+(?:MATERIALIZED\\s+)?VIEW\\s+(?:IF\\s+EXISTS\\s+)?" + NAME
            + "\\s+RENAME\\s+(?:COLUMN\\s+\\S+\\s+)?TO\\b", FLAGS);
    static final String ENUM_VALUE_SAFE = "ALTER TYPE t ADD VALUE 'new'; move the rows from 'old' to 'new' in batches (a backfill phase) while "
            + "the application accepts both; switch it to 'new'; leave 'old' unused (PostgreSQL cannot drop an enum value)";
    static final String TYPE_RENAME_SAFE = "keep the old name, or CREATE TYPE new; add a column of it, backfill, switch, drop the old one "
            + "(expand → backfill → contract)";
    static final String SCHEMA_RENAME_SAFE = "CREATE SCHEMA new; move each table with ALTER TABLE old.t SET SCHEMA new and CREATE VIEW old.t AS "
            + "SELECT * FROM new.t in the same revision; drop the views and the old schema once no version names them";
    static final String VIEW_RENAME_SAFE = "CREATE VIEW new AS the same query; switch the application; DROP VIEW old in a later revision";
    private static final Pattern DOMAIN_CHECK = Pattern.compile("^ALTER\\s+DOMAIN\\s+" + NAME + "\\s+ADD\\b(?!.*\\bNOT\\s+VALID\\b)", FLAGS);
    static final String DOMAIN_WHY = "ALTER DOMAIN ... ADD CONSTRAINT checks every column of that domain in every table, holding locks that block "
            + "writes to them";
    static final String DOMAIN_SAFE = "ALTER DOMAIN d ADD CONSTRAINT c CHECK (...) NOT VALID, then ALTER DOMAIN d VALIDATE CONSTRAINT c in a later "
            + "revision";
    private static final Pattern NOT_IN_TRANSACTION = Pattern.compile("^(?:VACUUM|CREATE\\s+DATABASE|DROP\\s+DATABASE|ALTER\\s+SYSTEM)\\b", FLAGS);

    private StatementRules() {
    }

    /** A rule a statement breaks, with a sharper why and safe form for this case (null: the rule's own). */
    record Hit(Rule rule, String why, String safeForm) {
        Hit(Rule rule) {
            this(rule, null, null);
        }
    }

    static List<Hit> check(String masked, boolean transactional, Predicate<String> isNew, Predicate<String> isPartitionedIndex) {
        List<Hit> out = new ArrayList<>();
        renames(masked, out);
        Matcher drop = DROP_INDEX.matcher(masked);
        if (drop.find()) {
            if (!isPartitionedIndex.test(drop.group(2))) {
                if (drop.group(1) == null) {
                    out.add(new Hit(Rule.DROP_INDEX_NOT_CONCURRENT));
                }
            } else if (drop.group(1) != null) {
                out.add(new Hit(Rule.CONCURRENTLY_ON_PARTITIONED, PARTITIONED_DROP_WHY, PARTITIONED_DROP_SAFE));
            }
        }
        if (DOMAIN_CHECK.matcher(masked).find()) {
            out.add(new Hit(Rule.CONSTRAINT_NOT_VALID, DOMAIN_WHY, DOMAIN_SAFE));
        }
        for (Rule rule : byKind(masked, transactional, isNew)) {
            out.add(new Hit(rule));
        }
        return out;
    }

    /** Renames outside ALTER TABLE: an enum value, a type, a schema, a view. */
    private static void renames(String masked, List<Hit> out) {
        String why = "renaming in place breaks the application version still running during the deploy: its queries and values name the old one";
        if (RENAME_ENUM_VALUE.matcher(masked).find()) {
            out.add(new Hit(Rule.RENAME_IN_PLACE, why, ENUM_VALUE_SAFE));
        } else if (RENAME_TYPE.matcher(masked).find()) {
            out.add(new Hit(Rule.RENAME_IN_PLACE, why, TYPE_RENAME_SAFE));
        } else if (RENAME_SCHEMA.matcher(masked).find()) {
            out.add(new Hit(Rule.RENAME_IN_PLACE, why, SCHEMA_RENAME_SAFE));
        } else if (RENAME_VIEW.matcher(masked).find()) {
            out.add(new Hit(Rule.RENAME_IN_PLACE, why, VIEW_RENAME_SAFE));
        }
    }

    private static List<Rule> byKind(String masked, boolean transactional, Predicate<String> isNew) {
        List<Rule> out = new ArrayList<>();
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
