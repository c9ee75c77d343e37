package dev.pgbackfill.migrate;

import dev.pgbackfill.migrate.op.Names;

/**
 * A column for {@code createTable} / {@code addColumn}, like Alembic's {@code sa.Column}:
 * {@code Column.of("email", "text").notNull()}. The name is in SQL identifier syntax like every name in a revision
 * ({@code verifiedAt} folds to {@code verifiedat}; write {@code "\"verifiedAt\""} to keep the case). The type and
 * default are SQL text written by the revision's author.
 */
public record Column(String name, String type, boolean nullable, String defaultExpression, boolean isPrimaryKey, String reference) {

    public static Column of(String name, String type) {
        return new Column(name, type, true, null, false, null);
    }

    public Column notNull() {
        return new Column(name, type, false, defaultExpression, isPrimaryKey, reference);
    }

    public Column defaultSql(String sql) {
        return new Column(name, type, nullable, sql, isPrimaryKey, reference);
    }

    public Column primaryKey() {
        return new Column(name, type, false, defaultExpression, true, reference);
    }

    /** An inline foreign key, for new tables only (on an existing table use {@code addForeignKey}). */
    public Column references(String tableAndColumn) {
        return new Column(name, type, nullable, defaultExpression, isPrimaryKey, tableAndColumn);
    }

    /** The column's definition as it appears in CREATE TABLE / ADD COLUMN. */
    public String sql() {
        StringBuilder s = new StringBuilder(Names.ident(name)).append(' ').append(type);
        if (isPrimaryKey) {
            s.append(" PRIMARY KEY");
        } else if (!nullable) {
            s.append(" NOT NULL");
        }
        if (defaultExpression != null) {
            s.append(" DEFAULT ").append(defaultExpression);
        }
        if (reference != null) {
            s.append(" REFERENCES ").append(reference);
        }
        return s.toString();
    }
}
