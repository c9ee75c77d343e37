package dev.pgbackfill.migrate.lint;

import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.migrate.revision.Revision;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lints one direction of one revision, statement by statement, against what {@link Schema} knows. Raw SQL is read
 * by its masked text ({@link LintText}); DSL ops are judged on what they ask for, since their lowering is safe.
 */
final class RevisionScope {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final String NAME = LintText.NAME;
    private static final Pattern CREATE_TABLE = Pattern.compile("^CREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME, FLAGS);
    private static final Pattern PARTITION_BY = Pattern.compile("\\)\\s*PARTITION\\s+BY\\b[^()]*\\([^;]*$", FLAGS);
    private static final Pattern CREATE_INDEX = Pattern.compile("^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?"
            + "(?:" + NAME + "\\s+)?ON\\s+(ONLY\\s+)?" + NAME, FLAGS);
    private static final Pattern ALTER_TABLE = Pattern.compile("^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + NAME + "\\s+(.*)$", FLAGS);
    private static final Pattern DATA_CHANGE = Pattern.compile("^(?:UPDATE|DELETE\\s+FROM)\\s+(?:ONLY\\s+)?" + NAME, FLAGS);
    private static final Pattern DROP_TABLE = Pattern.compile("^DROP\\s+TABLE\\b", FLAGS);
    private static final Pattern CONCURRENTLY = Pattern.compile(
            "^(CREATE\\s+(UNIQUE\\s+)?INDEX|DROP\\s+INDEX|REINDEX\\b.*|ALTER\\s+TABLE\\b.*\\bDETACH\\s+PARTITION\\b.*)\\s+CONCURRENTLY\\b", FLAGS);
    /**
     * Rules whose harm grows with the table: a scan, rewrite or index build under a lock that blocks writes. Not
     * add-column-not-null: that one fails on a table with any row, and row estimates are estimates.
     */
    private static final Set<Rule> SIZE_GRADED = EnumSet.of(Rule.INDEX_NOT_CONCURRENT, Rule.FK_NOT_VALID, Rule.CONSTRAINT_NOT_VALID,
            Rule.UNIQUE_WITHOUT_INDEX, Rule.SET_NOT_NULL, Rule.TYPE_REWRITE, Rule.VOLATILE_DEFAULT, Rule.ADD_COLUMN_INLINE_INDEX,
            Rule.ADD_EXCLUSION_CONSTRAINT, Rule.BACKFILL_IN_DDL_REVISION, Rule.VALIDATE_IN_SAME_TRANSACTION);
    static final String PARTITIONED_INDEX = "on a partitioned table: CREATE INDEX i ON ONLY parent (...) (catalog only); per partition "
            + "CREATE INDEX CONCURRENTLY p_i ON partition (...) and ALTER INDEX i ATTACH PARTITION p_i (op.createIndex does this)";

    private final Revision revision;
    private final boolean downgrade;
    private final Schema schema;
    private final LintConfig config;
    private final List<Finding> findings = new ArrayList<>();
    private final java.util.Set<String> altered = new java.util.HashSet<>(); // tables an ALTER TABLE of this revision has locked

    RevisionScope(Revision revision, boolean downgrade, Schema schema, LintConfig config) {
        this.revision = revision;
        this.downgrade = downgrade;
        this.schema = schema;
        this.config = config;
    }

    List<Finding> lint(List<Op> ops) {
        ops.forEach(this::visit);
        return findings;
    }

    private void visit(Op op) {
        String origin = op.describe();
        Report report = (rule, statement, table, why, safe) -> add(rule, origin, statement, table, why, safe);
        switch (op) {
            case Op.CreateTable t -> {
                schema.created(t.table(), false);
                t.columns().forEach(c -> schema.columnType(t.table(), c.name(), LintText.column(LintText.mask(c.sql())).map(d -> d[1]).orElse("")));
            }
            case Op.Execute e -> {
                schema.statementPhase(e.phase());
                sql(e.sql(), e.describe());
            }
            case Op.AlterColumn a when a.type() != null -> {
                if (!schema.isNew(a.table())) {
                    AlterTableRules.typeChange(schema, a.table(), a.column(), a.type(), a.using() != null,
                            "ALTER TABLE " + a.table() + " ALTER COLUMN " + a.column() + " TYPE " + a.type(), report);
                }
                schema.columnType(a.table(), a.column(), a.type());
            }
            case Op.AddColumn a -> {
                String definition = LintText.mask(a.column().sql());
                if (!schema.isNew(a.table()) && a.column().defaultExpression() != null) {
                    AlterTableRules.volatileDefault(schema, a.table(), "DEFAULT " + LintText.mask(a.column().defaultExpression()),
                            "ALTER TABLE " + a.table() + " ADD COLUMN " + a.column().sql(), report);
                }
                LintText.column(definition).ifPresent(d -> schema.columnType(a.table(), d[0], d[1]));
            }
            case Op.DropColumn d when !downgrade -> report.add(Rule.DROP_WITHOUT_BACKUP, "ALTER TABLE " + d.table() + " DROP COLUMN " + d.column(),
                    null, null, AlterTableRules.DROP_COLUMN_SAFE);
            default -> {
            }
        }
    }

    private void sql(String statement, String origin) {
        String s = LintText.mask(statement);
        Report report = (rule, text, table, why, safe) -> add(rule, origin, text == null ? statement : text, table, why, safe);
        wholeStatement(s, statement, report);
        Matcher m = CREATE_TABLE.matcher(s);
        if (m.find()) {
            createTable(m.group(1), s, statement, report);
            return;
        }
        m = DATA_CHANGE.matcher(s);
        if (m.find() && revision.transactional() && altered.contains(Schema.key(m.group(1))) && !schema.isNew(m.group(1))) {
            report.add(Rule.BACKFILL_IN_DDL_REVISION, statement, m.group(1));
        }
        m = CREATE_INDEX.matcher(s);
        if (m.find()) {
            createIndex(m.group(1) != null, m.group(3) != null, m.group(4), statement, report);
            if (m.group(2) != null && schema.partitioned(m.group(4)).orElse(false)) {
                schema.partitionedIndex(m.group(2));
            }
        }
        if (!downgrade && DROP_TABLE.matcher(s).find()) {
            report.add(Rule.DROP_WITHOUT_BACKUP, statement);
        }
        m = ALTER_TABLE.matcher(s);
        if (m.find()) {
            String table = m.group(1);
            altered.add(Schema.key(table));
            AlterTableRules rules = new AlterTableRules(schema, revision.transactional(), downgrade, report);
            for (String action : LintText.actions(m.group(2))) {
                rules.action(table, action, "ALTER TABLE " + table + " " + action); // one finding per offending action
            }
        }
    }

    private void createTable(String table, String masked, String statement, Report report) {
        if (schema.facts(table).isEmpty()) { // CREATE TABLE IF NOT EXISTS of a table the database holds creates nothing
            schema.created(table, PARTITION_BY.matcher(masked).find());
        }
        int open = masked.indexOf('(');
        int close = LintText.closing(masked, open);
        if (open > 0 && close > open) {
            for (String definition : LintText.actions(masked.substring(open + 1, close))) {
                LintText.column(definition).ifPresent(d -> schema.columnType(table, d[0], d[1]));
            }
        }
        if (LintText.JSON_TYPE.matcher(LintText.withoutQuotedNames(masked)).find()) {
            report.add(Rule.PREFER_JSONB, statement);
        }
    }

    /** ON ONLY a partitioned parent is the first step of the per-partition pattern; CONCURRENTLY there fails. */
    private void createIndex(boolean concurrently, boolean only, String table, String statement, Report report) {
        Optional<Boolean> partitioned = schema.partitioned(table);
        if (concurrently && partitioned.orElse(false)) {
            report.add(Rule.CONCURRENTLY_ON_PARTITIONED, statement, table);
        } else if (!concurrently && !schema.isNew(table) && !(only && partitioned.orElse(true))) {
            report.add(Rule.INDEX_NOT_CONCURRENT, statement, table, null, partitioned.orElse(false) ? PARTITIONED_INDEX : null);
        }
    }

    /** The rules a statement breaks by what it is, whatever table it names. */
    private void wholeStatement(String s, String statement, Report report) {
        StatementRules.check(s, revision.transactional(), schema::isNew, schema::isPartitionedIndex).forEach(hit -> report.add(hit.rule(), statement, null, hit.why(), hit.safeForm()));
        if (!downgrade) {
            StyleRules.check(s).forEach(rule -> report.add(rule, statement));
        }
        if (LockTimeouts.disables(statement)) {
            report.add(Rule.MISSING_LOCK_TIMEOUT, statement);
        }
        if (revision.transactional() && CONCURRENTLY.matcher(s).find()) {
            report.add(Rule.CONCURRENTLY_IN_TRANSACTION, statement);
        }
    }

    /** A finding at the level the configuration gives its rule (none when off), graded by the table's size with --db. */
    private void add(Rule rule, String origin, String statement, String table, String why, String safeForm) {
        Optional<Rule.Severity> level = config.levelOf(rule);
        if (level.isEmpty()) {
            return;
        }
        Rule.Severity severity = level.get();
        String database = null;
        Optional<Catalog.Table> facts = table == null || !SIZE_GRADED.contains(rule) ? Optional.empty() : schema.facts(table);
        if (facts.isPresent()) {
            database = Sizes.describe(facts.get());
            if (Sizes.small(facts.get()) && severity == Rule.Severity.ERROR) {
                severity = Rule.Severity.WARNING;
            }
        }
        findings.add(new Finding(rule, severity, revision.id(), origin, statement, revision.acknowledged().contains(rule.id()), revision.source(),
                why == null ? rule.why() : why, safeForm == null ? rule.safeForm() : safeForm, database));
    }
}
