package dev.pgbackfill.migrate.lint;

import dev.pgbackfill.migrate.op.Names;
import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds dangerous DDL in revisions. Raw SQL (SQL files, {@code op.execute}) is read statement by statement;
 * DSL ops are judged on what they ask for, since their lowering is already safe. Tables created earlier in the
 * same revision are new and empty, so the rules about locks on big tables do not apply to them.
 */
public final class Linter {
    private static final String NAME = "((?:\"(?:[^\"]|\"\")+\"|[\\w$]+)(?:\\.(?:\"(?:[^\"]|\"\")+\"|[\\w$]+))?)";
    private static final Pattern CREATE_TABLE = Pattern.compile("^CREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_INDEX = Pattern.compile("^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?.*?\\bON\\s+(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ALTER_TABLE = Pattern.compile("^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + NAME + "\\s+(.*)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern FOREIGN_KEY = Pattern.compile("\\b(FOREIGN\\s+KEY|REFERENCES)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern NOT_VALID = Pattern.compile("\\bNOT\\s+VALID\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_CHECK = Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+" + NAME + "\\s+)?CHECK\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_UNIQUE = Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+" + NAME + "\\s+)?(UNIQUE|PRIMARY\\s+KEY)\\b(?!.*\\bUSING\\s+INDEX\\b)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    // (?![\\w$]) rather than \\b after a name: a quoted name ends in a quote, after which \\b never matches
    private static final Pattern ADD_NOT_VALID = Pattern.compile("^ADD\\s+CONSTRAINT\\s+" + NAME + "(?![\\w$]).*\\bNOT\\s+VALID\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SET_NOT_NULL = Pattern.compile("^ALTER\\s+(?:COLUMN\\s+)?" + NAME + "\\s+SET\\s+NOT\\s+NULL\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHECK_NOT_NULL = Pattern.compile("^ADD\\s+CONSTRAINT\\s+" + NAME + "\\s+CHECK\\s*\\(\\s*" + NAME + "\\s+IS\\s+NOT\\s+NULL\\s*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern VALIDATE = Pattern.compile("^VALIDATE\\s+CONSTRAINT\\s+" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME = Pattern.compile("^RENAME\\s+(?:COLUMN\\s+)?(?!CONSTRAINT\\b)" + NAME + "\\s+TO\\b|^RENAME\\s+TO\\b", Pattern.CASE_INSENSITIVE);
    /** Renaming a table to a backup name is the safe form of DROP TABLE, not a rename the application sees. */
    private static final Pattern BACKUP_RENAME = Pattern.compile("^RENAME\\s+TO\\s+\"?_\\w+_backup\"?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern TYPE_CHANGE = Pattern.compile("^ALTER\\s+(?:COLUMN\\s+)?" + NAME + "\\s+(?:SET\\s+DATA\\s+)?TYPE\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_COLUMN = Pattern.compile("^ADD\\s+(?!CONSTRAINT\\b|CHECK\\b|UNIQUE\\b|PRIMARY\\b|FOREIGN\\b|EXCLUDE\\b)(?:COLUMN\\s+)?",
            Pattern.CASE_INSENSITIVE);
    /** A new column whose values are computed per row: serial types, stored generated columns (defaults: {@link Defaults}). */
    private static final Pattern REWRITING_COLUMN = Pattern.compile("\\b(?:big|small)?serial\\b|\\bGENERATED\\s+ALWAYS\\s+AS\\s*\\(",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INLINE_INDEX = Pattern.compile("\\b(?:UNIQUE|PRIMARY\\s+KEY)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern NOT_NULL = Pattern.compile("\\bNOT\\s+NULL\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern HAS_DEFAULT = Pattern.compile("\\b(?:DEFAULT|GENERATED)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern JSON_TYPE = Pattern.compile("\\bjson\\b(?!\\s*\\()", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATA_CHANGE = Pattern.compile("^(?:UPDATE|DELETE\\s+FROM)\\s+(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_TABLE = Pattern.compile("^DROP\\s+TABLE\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_COLUMN = Pattern.compile("^DROP\\s+(?!CONSTRAINT\\b)(?:COLUMN\\s+)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONCURRENTLY = Pattern.compile(
            "^(CREATE\\s+(UNIQUE\\s+)?INDEX|DROP\\s+INDEX|REINDEX\\b.*|ALTER\\s+TABLE\\b.*\\bDETACH\\s+PARTITION\\b.*)\\s+CONCURRENTLY\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LOCK_TIMEOUT = Pattern.compile(
            "^(?:SET\\s+(?:SESSION\\s+|LOCAL\\s+)?lock_timeout\\s*(?:=|TO)\\s*'?\\s*(DEFAULT|\\d+)\\s*(ms|s|min|h)?\\s*'?\\s*$|RESET\\s+lock_timeout\\s*$)",
            Pattern.CASE_INSENSITIVE);
    private static final long LONGEST_LOCK_TIMEOUT_MS = 10_000;

    private Linter() {
    }

    /** Lints every revision of the graph (upgrades and downgrades) and checks that each has a downgrade. */
    public static List<Finding> check(RevisionGraph graph) {
        return check(graph, false);
    }

    /** As {@link #check(RevisionGraph)}; {@code style} adds the style rules ({@link StyleRules}), at info level. */
    public static List<Finding> check(RevisionGraph graph, boolean style) {
        List<Finding> findings = new ArrayList<>();
        // a CHECK (col IS NOT NULL) added and validated by earlier revisions proves NOT NULL for later ones
        Map<String, String> notNullChecks = new HashMap<>();
        Set<String> provenNotNull = new HashSet<>();
        for (Revision r : graph.ordered()) {
            for (String ack : r.acknowledged()) {
                if (!Rule.exists(ack)) {
                    throw new InvalidRevisionException(r.source() + ": lint-ack names unknown rule \"" + ack + "\"; known: "
                            + java.util.Arrays.stream(Rule.values()).map(Rule::id).collect(Collectors.joining(", ")));
                }
            }
            if (!r.hasDowngrade()) {
                findings.add(new Finding(Rule.MISSING_DOWNGRADE, r.id(), r.source(), "(no downgrade)", r.acknowledged().contains(Rule.MISSING_DOWNGRADE.id()),
                        r.source()));
            }
            findings.addAll(lint(r, r.upgrade(), false, notNullChecks, provenNotNull, style));
            findings.addAll(lint(r, r.downgrade(), true, new HashMap<>(), new HashSet<>(), false));
        }
        return findings;
    }

    public static List<Finding> lint(Revision r, List<Op> ops, boolean downgrade) {
        return lint(r, ops, downgrade, new HashMap<>(), new HashSet<>(), false);
    }

    private static List<Finding> lint(Revision r, List<Op> ops, boolean downgrade, Map<String, String> notNullChecks, Set<String> provenNotNull,
                                      boolean style) {
        Scope scope = new Scope(r, downgrade, notNullChecks, provenNotNull, style);
        ops.forEach(scope::visit);
        return scope.findings;
    }

    private static final class Scope {
        private final Revision revision;
        private final boolean downgrade;
        private final Set<String> created = new HashSet<>();
        private final Set<String> altered = new HashSet<>(); // tables an ALTER TABLE of this revision has locked
        private final boolean style;
        private final Map<String, String> notNullChecks; // constraint → table.column
        private final Set<String> notValidHere = new HashSet<>();           // constraints added NOT VALID in this revision
        private final Set<String> provenNotNull;
        private final List<Finding> findings = new ArrayList<>();

        Scope(Revision revision, boolean downgrade, Map<String, String> notNullChecks, Set<String> provenNotNull, boolean style) {
            this.style = style;
            this.revision = revision;
            this.downgrade = downgrade;
            this.notNullChecks = notNullChecks;
            this.provenNotNull = provenNotNull;
        }

        void visit(Op op) {
            switch (op) {
                case Op.CreateTable t -> created.add(Names.key(t.table()));
                case Op.Execute e -> sql(e.sql(), e.describe());
                case Op.AlterColumn a when a.type() != null && !isNew(a.table()) -> add(Rule.TYPE_REWRITE, op.describe(),
                        "ALTER TABLE " + a.table() + " ALTER COLUMN " + a.column() + " TYPE " + a.type());
                case Op.AddColumn a when a.column().defaultExpression() != null
                        && Defaults.volatileCallIn(LintText.mask(a.column().defaultExpression())).isPresent()
                        && !isNew(a.table()) -> add(Rule.VOLATILE_DEFAULT, op.describe(), "ALTER TABLE " + a.table() + " ADD COLUMN " + a.column().sql());
                case Op.DropColumn d when !downgrade -> add(Rule.DROP_WITHOUT_BACKUP, op.describe(), "ALTER TABLE " + d.table() + " DROP COLUMN " + d.column());
                default -> {
                }
            }
        }

        void sql(String statement, String origin) {
            String s = LintText.mask(statement);
            wholeStatement(s, origin, statement);
            Matcher m = CREATE_TABLE.matcher(s);
            if (m.find()) {
                created.add(key(m.group(1)));
                if (JSON_TYPE.matcher(LintText.withoutQuotedNames(s)).find()) {
                    add(Rule.PREFER_JSONB, origin, statement);
                }
                return;
            }
            m = DATA_CHANGE.matcher(s);
            if (m.find() && revision.transactional() && altered.contains(key(m.group(1))) && !isNew(m.group(1))) {
                add(Rule.BACKFILL_IN_DDL_REVISION, origin, statement);
            }
            m = CREATE_INDEX.matcher(s);
            if (m.find() && m.group(1) == null && !isNew(m.group(2))) {
                add(Rule.INDEX_NOT_CONCURRENT, origin, statement);
            }
            if (!downgrade && DROP_TABLE.matcher(s).find()) {
                add(Rule.DROP_WITHOUT_BACKUP, origin, statement);
            }
            m = ALTER_TABLE.matcher(s);
            if (!m.find()) {
                return;
            }
            String table = m.group(1);
            altered.add(key(table));
            for (String clause : LintText.actions(m.group(2))) {
                // one finding per offending action, pointing at it rather than at the whole statement
                alterClause(table, clause, origin, "ALTER TABLE " + table + " " + clause);
            }
        }

        /** The rules a statement breaks by what it is, whatever table it names. */
        private void wholeStatement(String s, String origin, String statement) {
            StatementRules.check(s, revision.transactional(), this::isNew).forEach(rule -> add(rule, origin, statement));
            if (style) {
                StyleRules.check(s).forEach(rule -> add(rule, origin, statement));
            }
            if (disablesLockTimeout(statement)) {
                add(Rule.MISSING_LOCK_TIMEOUT, origin, statement);
            }
            if (revision.transactional() && CONCURRENTLY.matcher(s).find()) {
                add(Rule.CONCURRENTLY_IN_TRANSACTION, origin, statement);
            }
        }

        /** {@code SET lock_timeout} to 0, DEFAULT or more than 10 s, or {@code RESET} (read unmasked: the value is a literal). */
        private static boolean disablesLockTimeout(String statement) {
            Matcher m = LOCK_TIMEOUT.matcher(statement.replaceAll("--[^\n]*", " ").replaceAll("\\s+", " ").strip());
            return m.find() && (m.group(1) == null || m.group(1).equalsIgnoreCase("DEFAULT") || millis(m.group(1), m.group(2)) == 0
                    || millis(m.group(1), m.group(2)) > LONGEST_LOCK_TIMEOUT_MS);
        }

        /** One action of an ALTER TABLE (they are separated by top-level commas). */
        private void alterClause(String table, String clause, String origin, String statement) {
            trackConstraints(table, clause, origin, statement);
            if (!downgrade && DROP_COLUMN.matcher(clause).find()) {
                add(Rule.DROP_WITHOUT_BACKUP, origin, statement);
            }
            if ((ADD_COLUMN.matcher(clause).find() || TYPE_CHANGE.matcher(clause).find()) && JSON_TYPE.matcher(LintText.withoutQuotedNames(clause)).find()) {
                add(Rule.PREFER_JSONB, origin, statement);
            }
            if (!isNew(table)) {
                onExistingTable(table, clause, origin, statement);
            }
        }

        /** NOT VALID constraints and CHECKs that prove NOT NULL, as later actions and revisions validate them. */
        private void trackConstraints(String table, String clause, String origin, String statement) {
            Matcher check = CHECK_NOT_NULL.matcher(clause);
            if (check.find()) {
                notNullChecks.put(key(check.group(1)), key(table) + "." + key(check.group(2)));
            }
            Matcher notValid = ADD_NOT_VALID.matcher(clause);
            if (notValid.find()) {
                notValidHere.add(key(notValid.group(1)));
            }
            Matcher validate = VALIDATE.matcher(clause);
            if (validate.find()) {
                String constraint = key(validate.group(1));
                String column = notNullChecks.get(constraint);
                if (column != null) {
                    provenNotNull.add(column);
                }
                if (revision.transactional() && notValidHere.contains(constraint)) {
                    add(Rule.VALIDATE_IN_SAME_TRANSACTION, origin, statement);
                }
            }
        }

        /** The rules that matter only on a table that holds rows (not one created earlier in the revision). */
        private void onExistingTable(String table, String clause, String origin, String statement) {
            boolean addsColumn = ADD_COLUMN.matcher(clause).find();
            if (FOREIGN_KEY.matcher(clause).find() && !NOT_VALID.matcher(clause).find()) {
                add(Rule.FK_NOT_VALID, origin, statement);
            } else if (!addsColumn && ADD_CHECK.matcher(clause).find() && !NOT_VALID.matcher(clause).find()) {
                add(Rule.CONSTRAINT_NOT_VALID, origin, statement);
            }
            if (!addsColumn && ADD_UNIQUE.matcher(clause).find()) {
                add(Rule.UNIQUE_WITHOUT_INDEX, origin, statement);
            }
            Matcher notNull = SET_NOT_NULL.matcher(clause);
            if (notNull.find() && !provenNotNull.contains(key(table) + "." + key(notNull.group(1)))) {
                add(Rule.SET_NOT_NULL, origin, statement);
            }
            if (RENAME.matcher(clause).find() && !BACKUP_RENAME.matcher(clause).find()) {
                add(Rule.RENAME_IN_PLACE, origin, statement);
            }
            if (TYPE_CHANGE.matcher(clause).find()) {
                add(Rule.TYPE_REWRITE, origin, statement);
            }
            String unquoted = LintText.withoutQuotedNames(clause);
            if (addsColumn && (REWRITING_COLUMN.matcher(unquoted).find() || Defaults.volatileCall(unquoted).isPresent())) {
                add(Rule.VOLATILE_DEFAULT, origin, statement);
            }
            if (addsColumn && INLINE_INDEX.matcher(unquoted).find()) {
                add(Rule.ADD_COLUMN_INLINE_INDEX, origin, statement);
            }
            if (addsColumn && NOT_NULL.matcher(unquoted).find() && !HAS_DEFAULT.matcher(unquoted).find()) {
                add(Rule.ADD_COLUMN_NOT_NULL, origin, statement);
            }
        }

        private static long millis(String amount, String unit) {
            long n = Long.parseLong(amount);
            return switch (unit == null ? "ms" : unit.toLowerCase(Locale.ROOT)) {
                case "s" -> n * 1000;
                case "min" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> n;
            };
        }

        private boolean isNew(String table) {
            return created.contains(key(table));
        }

        private static String key(String name) {
            try {
                return Names.key(name);
            } catch (RuntimeException e) {
                return name.toLowerCase(Locale.ROOT);
            }
        }

        private void add(Rule rule, String origin, String statement) {
            findings.add(new Finding(rule, revision.id(), origin, statement, revision.acknowledged().contains(rule.id()), revision.source()));
        }
    }
}
