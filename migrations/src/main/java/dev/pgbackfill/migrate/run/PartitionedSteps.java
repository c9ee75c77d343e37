package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.step.PartitionedForm;
import dev.pgbackfill.sql.Identifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a step's {@link PartitionedForm} when the catalog says it applies: its relation is partitioned (for the
 * foreign-key forms: and the parent does not hold the constraint yet). Names reach SQL only quoted; catalog lookups
 * bind them. Each statement is idempotent (IF NOT EXISTS, or checked first), so a retry after a lock timeout, or a
 * rerun after a crash, completes what an earlier attempt began. The statement running is kept for messages.
 */
final class PartitionedSteps {
    private final Connection c;
    private final Consumer<String> log;
    private String current;

    PartitionedSteps(Connection c, Consumer<String> log) {
        this.c = c;
        this.log = log;
    }

    /** Runs the form and returns true when it applies; false means the step's own statement is the right one. */
    boolean runIfApplies(PartitionedForm form) throws SQLException {
        return switch (form) {
            case PartitionedForm.Index i when relkind(i.relation()) == 'p' -> new PartitionedIndexes(this).build(i);
            case PartitionedForm.DropIndex d when relkind(d.relation()) == 'I' -> new PartitionedIndexes(this).drop(d);
            case PartitionedForm.ForeignKeyNotValid f when relkind(f.relation()) == 'p' && !acceptsNotValidOnPartitioned() ->
                    new PartitionedForeignKeys(this).addNotValid(f);
            case PartitionedForm.ValidateForeignKey f when relkind(f.relation()) == 'p' && validated(f.relation(), f.name()) == null ->
                    new PartitionedForeignKeys(this).validateThenAttach(f);
            case PartitionedForm.DropForeignKey f when relkind(f.relation()) == 'p' && validated(f.relation(), f.name()) == null ->
                    new PartitionedForeignKeys(this).dropOnLeaves(f);
            default -> false;
        };
    }

    /** The statement this form is running or last ran; null before the first. */
    String current() {
        return current;
    }

    /** PostgreSQL 18 accepts NOT VALID foreign keys on partitioned tables. */
    private boolean acceptsNotValidOnPartitioned() throws SQLException {
        return Integer.parseInt(one("SELECT current_setting('server_version_num')")) >= 180000;
    }

    void run(String sql) throws SQLException {
        current = sql;
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
        log.accept("  partitioned: " + sql);
    }

    /**
     * Makes what ran so far in the step's transaction durable, so that a lock timeout later in the form does not undo
     * it (each part is idempotent, and the step's progress record is still written only at its end).
     */
    void commit() throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    char relkind(String relation) throws SQLException {
        String kind = one("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)", relation);
        return kind == null ? '?' : kind.charAt(0);
    }

    /** Whether the relation's constraint is validated; null when it has none of that name. */
    Boolean validated(String relation, String constraint) throws SQLException {
        String v = one("SELECT convalidated::text FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?", relation, constraint);
        return v == null ? null : Boolean.valueOf(v);
    }

    /** A relation by its catalog names, quoted on use. */
    record Relation(String schema, String name, char kind) {
        String qualified() {
            return Identifier.quote(schema) + "." + Identifier.quote(name);
        }

        /** A name in this relation's schema. */
        String sibling(String other) {
            return Identifier.quote(schema) + "." + Identifier.quote(other);
        }
    }

    Relation relation(String relation) throws SQLException {
        List<Relation> found = relations("SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.oid = to_regclass(?)", relation);
        return found.isEmpty() ? null : found.getFirst();
    }

    List<Relation> children(String table) throws SQLException {
        return relations("SELECT n.nspname, c.relname, c.relkind::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.inhparent = to_regclass(?) ORDER BY n.nspname, c.relname", table);
    }

    /** Every leaf of the partition tree, foreign tables included (callers decide what those mean). */
    List<Relation> leaves(String table) throws SQLException {
        return relations("SELECT n.nspname, c.relname, c.relkind::text FROM pg_partition_tree(to_regclass(?)) t JOIN pg_class c ON c.oid = t.relid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf ORDER BY n.nspname, c.relname", table);
    }

    private List<Relation> relations(String query, String table) throws SQLException {
        List<Relation> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Relation(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0)));
                }
            }
        }
        return out;
    }

    String one(String query, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
