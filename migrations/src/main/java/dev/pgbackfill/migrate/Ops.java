package dev.pgbackfill.migrate;

import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.spec.BackfillSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code op} object handed to {@link Migration#upgrade} / {@link Migration#downgrade}: records what is asked. */
public final class Ops {
    private final List<Op> recorded = new ArrayList<>();

    public List<Op> recorded() {
        return List.copyOf(recorded);
    }

    private Ops add(Op op) {
        recorded.add(op);
        return this;
    }

    public Ops createTable(String table, Column... columns) {
        return add(new Op.CreateTable(table, List.of(columns)));
    }

    /** Renames to {@code _<table>_backup} unless {@code migrate up --allow-destructive}; a downgrade drops for real. */
    public Ops dropTable(String table) {
        return add(new Op.DropTable(table));
    }

    public Ops addColumn(String table, Column column) {
        return add(new Op.AddColumn(table, column));
    }

    public Ops dropColumn(String table, String column) {
        return add(new Op.DropColumn(table, column));
    }

    /** Changes a column's type; {@code using} may be null. Lint flags it: most type changes rewrite the table. */
    public Ops alterColumnType(String table, String column, String type, String using) {
        return add(new Op.AlterColumn(table, column, type, using, null, false, null));
    }

    public Ops alterColumnDefault(String table, String column, String defaultSql) {
        return add(new Op.AlterColumn(table, column, null, null, defaultSql, defaultSql == null, null));
    }

    public Ops alterColumnNullable(String table, String column, boolean nullable) {
        return add(new Op.AlterColumn(table, column, null, null, null, false, nullable));
    }

    public Ops createIndex(String name, String table, String... columns) {
        return add(new Op.CreateIndex(name, table, List.of(columns), false, null));
    }

    public Ops createUniqueIndex(String name, String table, String... columns) {
        return add(new Op.CreateIndex(name, table, List.of(columns), true, null));
    }

    /** A partial index: {@code where} is a SQL predicate. */
    public Ops createIndexWhere(String name, String table, String where, String... columns) {
        return add(new Op.CreateIndex(name, table, List.of(columns), false, where));
    }

    /** The index name, schema-qualified when its table is. */
    public Ops dropIndex(String name) {
        return add(new Op.DropIndex(name));
    }

    public Ops addForeignKey(String name, String table, String column, String refTable, String refColumn) {
        return add(new Op.AddForeignKey(name, table, List.of(column), refTable, List.of(refColumn), null));
    }

    public Ops addForeignKey(String name, String table, List<String> columns, String refTable, List<String> refColumns, String onDelete) {
        return add(new Op.AddForeignKey(name, table, columns, refTable, refColumns, onDelete));
    }

    public Ops dropConstraint(String table, String name) {
        return add(new Op.DropConstraint(table, name));
    }

    public Ops setNotNull(String table, String column) {
        return add(new Op.SetNotNull(table, column));
    }

    public Ops dropNotNull(String table, String column) {
        return add(new Op.DropNotNull(table, column));
    }

    public Ops renameColumn(String table, String from, String to, String type) {
        return add(new Op.RenameColumn(table, from, to, type));
    }

    public Ops renameTable(String from, String to) {
        return add(new Op.RenameTable(from, to));
    }

    /** Raw SQL in the expand phase. */
    public Ops execute(String sql) {
        return execute(Phase.EXPAND, sql);
    }

    /** Raw SQL in the expand or contract phase (backfills are {@link #backfill} jobs, not SQL). */
    public Ops execute(Phase phase, String sql) {
        if (phase == Phase.BACKFILL) {
            throw new IllegalArgumentException("execute() runs SQL in the expand or contract phase; write a backfill as op.backfill(...)");
        }
        return add(new Op.Execute(phase, sql, null));
    }

    /** A pgbackfill job, e.g. {@code backfill("users", "email_new = lower(email)")}. */
    public Ops backfill(String table, String... set) {
        return backfill(BackfillSpec.on(table).set(Arrays.asList(set)).build());
    }

    public Ops backfill(BackfillSpec spec) {
        return add(new Op.Backfill(spec));
    }
}
