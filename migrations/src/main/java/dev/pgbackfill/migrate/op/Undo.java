package dev.pgbackfill.migrate.op;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.step.PartitionedForm;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import dev.pgbackfill.sql.Identifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Undoing a revision whose contract phase has not started: the written downgrade assumes the whole revision was
 * applied (reverting a rename copies the new column back over the old one, which after expand alone is still
 * empty), so a partial revision is undone from its own expand ops instead, newest first, in forms that tolerate
 * steps that never ran. Raw SQL and in-place changes of existing columns cannot be undone this way: they are
 * named in {@code blockers}.
 */
public record Undo(List<Step> steps, List<String> blockers) {

    public static Undo expandOf(List<Op> ops) {
        Scan scan = new Scan();
        ops.forEach(scan::note);
        for (int i = ops.size() - 1; i >= 0; i--) {
            scan.undo(ops.get(i));
        }
        return new Undo(List.copyOf(scan.steps), List.copyOf(scan.blockers));
    }

    /** What the revision's ops create (undone by dropping, or not at all when their table goes), and the undo built. */
    private static final class Scan {
        private final Set<String> createdTables = new HashSet<>();
        private final Set<String> addedColumns = new HashSet<>();
        private final List<Step> steps = new ArrayList<>();
        private final List<String> blockers = new ArrayList<>();

        void note(Op op) {
            switch (op) {
                case Op.CreateTable t -> createdTables.add(Names.key(t.table()));
                case Op.AddColumn a -> addedColumns.add(column(a.table(), a.column().name()));
                case Op.RenameColumn r -> addedColumns.add(column(r.table(), r.to()));
                default -> {
                }
            }
        }

        void undo(Op op) {
            String origin = "undo " + op.describe();
            switch (op) {
                case Op.CreateTable t -> steps.add(sql("DROP TABLE IF EXISTS " + Names.table(t.table()), origin));
                case Op.AddColumn a -> unlessTableIsNew(a.table(),
                        sql("ALTER TABLE " + Names.table(a.table()) + " DROP COLUMN IF EXISTS " + Names.ident(a.column().name()), origin));
                case Op.RenameColumn r -> {
                    Lowering.dropSync(r).forEach(statement -> steps.add(sql(statement, origin)));
                    steps.add(sql("ALTER TABLE " + Names.table(r.table()) + " DROP COLUMN IF EXISTS " + Names.ident(r.to()), origin));
                }
                case Op.CreateIndex x -> unlessTableIsNew(x.table(),
                        Lowering.dropIndex(Phase.EXPAND, Names.schemaPrefix(x.table()) + Names.ident(x.name()), origin));
                case Op.AddForeignKey f -> unlessTableIsNew(f.table(), new SqlStep(Phase.EXPAND, "ALTER TABLE " + Names.table(f.table())
                        + " DROP CONSTRAINT IF EXISTS " + Names.ident(f.name()), Tx.GROUP, null, origin,
                        new PartitionedForm.DropForeignKey(Names.table(f.table()), Names.bare(f.name()))));
                case Op.RenameTable r -> {
                    steps.add(sql("DROP VIEW IF EXISTS " + Names.table(r.from()), origin));
                    steps.add(sql("ALTER TABLE IF EXISTS " + Names.schemaPrefix(r.from()) + Names.ident(Names.bare(r.to())) + " RENAME TO "
                            + Names.ident(Names.bare(r.from())), origin));
                }
                case Op.AlterColumn a -> {
                    if (a.type() != null || a.defaultSql() != null || a.dropDefault() || Boolean.TRUE.equals(a.nullable())) {
                        inPlace(op, a.table(), a.column());
                    }
                }
                case Op.DropNotNull n -> inPlace(op, n.table(), n.column());
                case Op.Execute e -> {
                    if (e.phase() == Phase.EXPAND) {
                        blockers.add(op.describe() + " (raw SQL)");
                    }
                }
                // contract-phase ops never ran; a backfill only wrote into what is dropped above
                case Op.Backfill b -> { }
                case Op.SetNotNull n -> { }
                case Op.DropColumn d -> { }
                case Op.DropIndex d -> { }
                case Op.DropConstraint d -> { }
                case Op.DropTable d -> { }
            }
        }

        /** Dropping a new table drops what was added to it too. */
        private void unlessTableIsNew(String table, Step step) {
            if (!createdTables.contains(Names.key(table))) {
                steps.add(step);
            }
        }

        /** A change of an existing column in place cannot be undone from the op alone. */
        private void inPlace(Op op, String table, String column) {
            if (!createdTables.contains(Names.key(table)) && !addedColumns.contains(column(table, column))) {
                blockers.add(op.describe() + " (changes an existing column in place)");
            }
        }
    }

    private static String column(String table, String column) {
        return Names.key(table) + "." + Identifier.parse("column", column).get(0);
    }

    private static SqlStep sql(String sql, String origin) {
        return new SqlStep(Phase.EXPAND, sql, Tx.GROUP, null, origin);
    }
}
