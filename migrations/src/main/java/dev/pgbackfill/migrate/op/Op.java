package dev.pgbackfill.migrate.op;

import dev.pgbackfill.migrate.Column;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.spec.BackfillSpec;
import java.util.List;

/**
 * What a revision asks for, before lowering: the vocabulary of Alembic's {@code op.*} plus {@code backfill}.
 * Table names are in SQL identifier syntax ({@code users}, {@code sales."Order Items"}); types, defaults and
 * expressions are SQL text written by the revision's author. {@link Lowering} turns each into safe steps.
 */
public sealed interface Op {

    /** A short description for messages, e.g. {@code createIndex users_email_idx}. */
    String describe();

    record CreateTable(String table, List<Column> columns) implements Op {
        public String describe() {
            return "createTable " + table;
        }
    }

    /** Renamed to a backup unless destructive changes are allowed (or it runs in a downgrade). */
    record DropTable(String table) implements Op {
        public String describe() {
            return "dropTable " + table;
        }
    }

    record AddColumn(String table, Column column) implements Op {
        public String describe() {
            return "addColumn " + table + "." + column.name();
        }
    }

    record DropColumn(String table, String column) implements Op {
        public String describe() {
            return "dropColumn " + table + "." + column;
        }
    }

    /** Any of: a new type (with an optional USING), a new default (or none), nullability. Null fields are left alone. */
    record AlterColumn(String table, String column, String type, String using, String defaultSql, boolean dropDefault,
                       Boolean nullable) implements Op {
        public String describe() {
            return "alterColumn " + table + "." + column;
        }
    }

    /** Columns are names or, in parentheses-free form, expressions such as {@code lower(email)}. */
    record CreateIndex(String name, String table, List<String> columns, boolean unique, String where) implements Op {
        public String describe() {
            return "createIndex " + name;
        }
    }

    record DropIndex(String name) implements Op {
        public String describe() {
            return "dropIndex " + name;
        }
    }

    record AddForeignKey(String name, String table, List<String> columns, String refTable, List<String> refColumns,
                         String onDelete) implements Op {
        public String describe() {
            return "addForeignKey " + name;
        }
    }

    record DropConstraint(String table, String name) implements Op {
        public String describe() {
            return "dropConstraint " + table + "." + name;
        }
    }

    record SetNotNull(String table, String column) implements Op {
        public String describe() {
            return "setNotNull " + table + "." + column;
        }
    }

    record DropNotNull(String table, String column) implements Op {
        public String describe() {
            return "dropNotNull " + table + "." + column;
        }
    }

    /** The type is given because offline SQL ({@code migrate sql}) must not need the database to look it up. */
    record RenameColumn(String table, String from, String to, String type) implements Op {
        public String describe() {
            return "renameColumn " + table + "." + from + " → " + to;
        }
    }

    record RenameTable(String from, String to) implements Op {
        public String describe() {
            return "renameTable " + from + " → " + to;
        }
    }

    /** Raw SQL: linted, run as written. {@code origin} points at its file and line when it came from a SQL file. */
    record Execute(Phase phase, String sql, String origin) implements Op {
        public String describe() {
            return origin != null ? origin : "execute";
        }
    }

    record Backfill(BackfillSpec spec) implements Op {
        public String describe() {
            return "backfill " + spec.table() + " SET " + String.join(", ", spec.set());
        }
    }
}
