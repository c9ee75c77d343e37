package dev.pgbackfill.migrate.op;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.PartitionedForm;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import dev.pgbackfill.spec.BackfillSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns ops into the statements that are safe on a busy table (design.md section 5): indexes CONCURRENTLY,
 * foreign keys NOT VALID then VALIDATE, NOT NULL through a validated CHECK, renames through a sync trigger or a
 * view, drops into backups. Tables created earlier in the same revision are new and empty, so they get the plain
 * forms. One Lowering per revision and direction: it remembers those tables.
 */
public final class Lowering {
    private final boolean downgrade;
    private final boolean allowDestructive;
    private final Set<String> createdHere = new HashSet<>();

    public Lowering(boolean downgrade, boolean allowDestructive) {
        this.downgrade = downgrade;
        this.allowDestructive = allowDestructive;
    }

    public static String backupName(String table) {
        return "_" + Names.bare(table) + "_backup";
    }

    /** The statements (or backfill job) of one op, each with its phase and transaction mode. */
    public List<Step> lower(Op op) {
        String origin = op.describe();
        return switch (op) {
            case Op.CreateTable t -> createTable(t, origin);
            case Op.DropTable t -> List.of(downgrade || allowDestructive
                    ? sql(Phase.CONTRACT, "DROP TABLE IF EXISTS " + Names.table(t.table()), origin)
                    : sql(Phase.CONTRACT, "ALTER TABLE " + Names.table(t.table()) + " RENAME TO " + Names.generated(backupName(t.table())), origin));
            case Op.AddColumn a -> List.of(sql(Phase.EXPAND,
                    "ALTER TABLE " + Names.table(a.table()) + " ADD COLUMN IF NOT EXISTS " + a.column().sql(), origin));
            case Op.DropColumn d -> List.of(sql(Phase.CONTRACT,
                    "ALTER TABLE " + Names.table(d.table()) + " DROP COLUMN IF EXISTS " + Names.ident(d.column()), origin));
            case Op.AlterColumn a -> alterColumn(a, origin);
            case Op.CreateIndex i -> List.of(createIndex(i, origin));
            case Op.DropIndex d -> List.of(dropIndex(Phase.CONTRACT, Names.table(d.name()), origin));
            case Op.AddForeignKey f -> addForeignKey(f, origin);
            case Op.DropConstraint d -> List.of(sql(Phase.CONTRACT,
                    "ALTER TABLE " + Names.table(d.table()) + " DROP CONSTRAINT IF EXISTS " + Names.ident(d.name()), origin));
            case Op.SetNotNull n -> setNotNull(n, origin);
            case Op.DropNotNull n -> List.of(sql(Phase.EXPAND, "ALTER TABLE " + Names.table(n.table()) + " ALTER COLUMN "
                    + Names.ident(n.column()) + " DROP NOT NULL", origin));
            case Op.RenameColumn r -> renameColumn(r, origin);
            case Op.RenameTable r -> renameTable(r, origin);
            case Op.Execute e -> List.of(new SqlStep(e.phase(), e.sql(), Tx.GROUP, concurrentIndexRepair(e.sql()), origin));
            case Op.Backfill b -> List.of(new BackfillStep(b.spec(), origin));
        };
    }

    private List<Step> createTable(Op.CreateTable t, String origin) {
        createdHere.add(Names.key(t.table()));
        return List.of(sql(Phase.EXPAND, "CREATE TABLE " + Names.table(t.table()) + " ("
                + t.columns().stream().map(c -> c.sql()).collect(Collectors.joining(", ")) + ")", origin));
    }

    private List<Step> alterColumn(Op.AlterColumn a, String origin) {
        List<Step> steps = new ArrayList<>();
        String prefix = "ALTER TABLE " + Names.table(a.table()) + " ALTER COLUMN " + Names.ident(a.column());
        if (a.type() != null) {
            steps.add(sql(Phase.EXPAND, prefix + " TYPE " + a.type() + (a.using() == null ? "" : " USING " + a.using()), origin));
        }
        if (a.defaultSql() != null) {
            steps.add(sql(Phase.EXPAND, prefix + " SET DEFAULT " + a.defaultSql(), origin));
        }
        if (a.dropDefault()) {
            steps.add(sql(Phase.EXPAND, prefix + " DROP DEFAULT", origin));
        }
        if (Boolean.TRUE.equals(a.nullable())) {
            steps.addAll(lower(new Op.DropNotNull(a.table(), a.column())));
        } else if (Boolean.FALSE.equals(a.nullable())) {
            steps.addAll(lower(new Op.SetNotNull(a.table(), a.column())));
        }
        return steps;
    }

    private Step createIndex(Op.CreateIndex i, String origin) {
        String columns = i.columns().stream().map(Names::indexElement).collect(Collectors.joining(", "));
        String where = i.where() == null ? "" : " WHERE " + i.where();
        String unique = i.unique() ? "UNIQUE " : "";
        if (isNew(i.table())) {
            return sql(Phase.EXPAND, "CREATE " + unique + "INDEX " + Names.ident(i.name()) + " ON " + Names.table(i.table()) + " (" + columns + ")"
                    + where, origin);
        }
        // a failed CONCURRENTLY build leaves an INVALID index behind; drop it so the retry builds afresh
        String qualified = Names.schemaPrefix(i.table()) + Names.ident(i.name());
        String definition = "(" + columns + ")" + where;
        return new SqlStep(Phase.EXPAND, "CREATE " + unique + "INDEX CONCURRENTLY IF NOT EXISTS " + Names.ident(i.name()) + " ON "
                + Names.table(i.table()) + " " + definition, Tx.NONE, dropInvalidIndex(qualified), origin,
                new PartitionedForm.Index(Names.table(i.table()), Names.bare(i.name()), i.unique(), definition));
    }

    private List<Step> addForeignKey(Op.AddForeignKey f, String origin) {
        String definition = "FOREIGN KEY (" + idents(f.columns()) + ") REFERENCES " + Names.table(f.refTable())
                + " (" + idents(f.refColumns()) + ")" + (f.onDelete() == null ? "" : " ON DELETE " + f.onDelete());
        String add = "ALTER TABLE " + Names.table(f.table()) + " ADD CONSTRAINT " + Names.ident(f.name()) + " " + definition;
        if (isNew(f.table())) {
            return List.of(sql(Phase.EXPAND, add, origin));
        }
        // NOT VALID checks new writes at once under a brief lock; VALIDATE scans later without blocking writes
        String table = Names.table(f.table());
        String name = Names.bare(f.name());
        return List.of(new SqlStep(Phase.EXPAND, add + " NOT VALID", Tx.OWN, null, origin, new PartitionedForm.ForeignKeyNotValid(table, name, definition)),
                new SqlStep(Phase.CONTRACT, "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + Names.ident(f.name()), Tx.OWN,
                        null, origin, new PartitionedForm.ValidateForeignKey(table, name, definition)));
    }

    private List<Step> setNotNull(Op.SetNotNull n, String origin) {
        String table = Names.table(n.table());
        String column = Names.ident(n.column());
        if (isNew(n.table())) {
            return List.of(sql(Phase.EXPAND, "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL", origin));
        }
        // SET NOT NULL skips its full scan under ACCESS EXCLUSIVE when a valid CHECK already proves it (PG 12+)
        String check = Names.generated(Names.bare(n.table()), Names.bare(n.column()), "not_null");
        return List.of(
                new SqlStep(Phase.CONTRACT, "ALTER TABLE " + table + " ADD CONSTRAINT " + check + " CHECK (" + column + " IS NOT NULL) NOT VALID",
                        Tx.OWN, null, origin),
                new SqlStep(Phase.CONTRACT, "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check, Tx.OWN, null, origin),
                new SqlStep(Phase.CONTRACT, "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL", Tx.OWN, null, origin),
                new SqlStep(Phase.CONTRACT, "ALTER TABLE " + table + " DROP CONSTRAINT " + check, Tx.OWN, null, origin));
    }

    private List<Step> renameTable(Op.RenameTable r, String origin) {
        // the old name stays readable and writable as a simple (auto-updatable) view until the contract phase; the
        // table stays in its schema, so the view selects from the new name there
        return List.of(
                sql(Phase.EXPAND, "ALTER TABLE " + Names.table(r.from()) + " RENAME TO " + Names.ident(Names.bare(r.to())), origin),
                sql(Phase.EXPAND, "CREATE VIEW " + Names.table(r.from()) + " AS SELECT * FROM " + Names.schemaPrefix(r.from())
                        + Names.ident(Names.bare(r.to())), origin),
                sql(Phase.CONTRACT, "DROP VIEW IF EXISTS " + Names.table(r.from()), origin));
    }

    private List<Step> renameColumn(Op.RenameColumn r, String origin) {
        String table = Names.table(r.table());
        String from = Names.ident(r.from());
        String to = Names.ident(r.to());
        String trigger = syncTriggerName(r);
        String function = Names.schemaPrefix(r.table()) + trigger;
        List<Step> steps = new ArrayList<>();
        steps.add(sql(Phase.EXPAND, "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + to + " " + r.type(), origin));
        // Old and new application versions write either column during the deploy; the trigger keeps both equal.
        // INSERT: the new column has no default, so NULL there means "written by the old version". UPDATE: the
        // column that changed wins; when both changed, the new one (the new version writes both).
        steps.add(sql(Phase.EXPAND, "CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $pgbf$\n"
                + "BEGIN\n"
                + "  IF TG_OP = 'INSERT' THEN\n"
                + "    IF NEW." + to + " IS NULL THEN NEW." + to + " := NEW." + from + "; ELSE NEW." + from + " := NEW." + to + "; END IF;\n"
                + "  ELSIF NEW." + to + " IS DISTINCT FROM OLD." + to + " THEN NEW." + from + " := NEW." + to + ";\n"
                + "  ELSIF NEW." + from + " IS DISTINCT FROM OLD." + from + " THEN NEW." + to + " := NEW." + from + ";\n"
                + "  END IF;\n"
                + "  RETURN NEW;\n"
                + "END\n$pgbf$", origin));
        steps.add(sql(Phase.EXPAND, "DROP TRIGGER IF EXISTS " + trigger + " ON " + table, origin));
        steps.add(sql(Phase.EXPAND, "CREATE TRIGGER " + trigger + " BEFORE INSERT OR UPDATE ON " + table
                + " FOR EACH ROW EXECUTE FUNCTION " + function + "()", origin));
        steps.add(new BackfillStep(BackfillSpec.on(r.table()).set(to + " = " + from).build(), origin));
        dropSync(r).forEach(statement -> steps.add(sql(Phase.CONTRACT, statement, origin)));
        steps.add(sql(Phase.CONTRACT, "ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + from, origin));
        return steps;
    }

    private static final java.util.regex.Pattern CONCURRENT_INDEX = java.util.regex.Pattern.compile(
            "^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\"(?:[^\"]|\"\")+\"|[\\w$]+)\\s+ON\\s+(?:ONLY\\s+)?"
                    + "((?:\"(?:[^\"]|\"\")+\"|[\\w$]+)(?:\\.(?:\"(?:[^\"]|\"\")+\"|[\\w$]+))?)",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * Raw {@code CREATE INDEX CONCURRENTLY} gets the same repair as {@code op.createIndex}: a build that failed (or
     * whose wait hit lock_timeout) leaves an INVALID index that {@code IF NOT EXISTS} would otherwise take as done.
     */
    static SqlStep.Repair concurrentIndexRepair(String sql) {
        java.util.regex.Matcher m = CONCURRENT_INDEX.matcher(sql);
        if (!m.find()) {
            return null;
        }
        try {
            return dropInvalidIndex(Names.schemaPrefix(m.group(2)) + Names.ident(m.group(1)));
        } catch (RuntimeException e) {
            return null; // a name we cannot read; the statement itself will tell
        }
    }

    /** Drops the index first when it exists INVALID (the leftover of a failed CONCURRENTLY build). */
    private static SqlStep.Repair dropInvalidIndex(String qualified) {
        return new SqlStep.Repair("SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(" + Names.literal(qualified)
                + ") AND NOT indisvalid)", "DROP INDEX CONCURRENTLY IF EXISTS " + qualified);
    }

    /** {@code DROP INDEX CONCURRENTLY}, or a plain one when the index turns out to be partitioned. */
    static SqlStep dropIndex(Phase phase, String qualifiedIndex, String origin) {
        return new SqlStep(phase, "DROP INDEX CONCURRENTLY IF EXISTS " + qualifiedIndex, Tx.NONE, null, origin,
                new PartitionedForm.DropIndex(qualifiedIndex));
    }

    /** Dropping a column rename's sync trigger and its function (in contract, or when undoing its expand). */
    static List<String> dropSync(Op.RenameColumn r) {
        String trigger = syncTriggerName(r);
        return List.of("DROP TRIGGER IF EXISTS " + trigger + " ON " + Names.table(r.table()),
                "DROP FUNCTION IF EXISTS " + Names.schemaPrefix(r.table()) + trigger + "()");
    }

    /** The sync trigger of a column rename, also the name of its function. */
    static String syncTriggerName(Op.RenameColumn r) {
        return Names.generated(Names.bare(r.table()), "sync", Names.bare(r.from()), Names.bare(r.to()));
    }

    private boolean isNew(String table) {
        return createdHere.contains(Names.key(table));
    }

    private static String idents(List<String> names) {
        return names.stream().map(Names::ident).collect(Collectors.joining(", "));
    }

    private static SqlStep sql(Phase phase, String sql, String origin) {
        return new SqlStep(phase, sql, Tx.GROUP, null, origin);
    }
}
