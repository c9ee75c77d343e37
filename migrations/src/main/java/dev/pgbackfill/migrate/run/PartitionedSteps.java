package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.step.PartitionedForm;
import dev.pgbackfill.sql.Identifier;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a step's {@link PartitionedForm} when the catalog says it applies: its relation is partitioned (and, for the
 * foreign-key forms, the server is older than 18). Names reach SQL only quoted; catalog lookups bind them. Each
 * statement is idempotent (IF NOT EXISTS, or checked first), so a retry after a lock timeout repeats the form safely.
 */
final class PartitionedSteps {
    private static final int MAX_IDENTIFIER_BYTES = 63;
    private static final int NOT_VALID_ON_PARTITIONED_SINCE = 180000;

    private final Connection c;
    private final Consumer<String> log;

    PartitionedSteps(Connection c, Consumer<String> log) {
        this.c = c;
        this.log = log;
    }

    /** Runs the form and returns true when it applies; false means the step's own statement is the right one. */
    boolean runIfApplies(PartitionedForm form) throws SQLException {
        return switch (form) {
            case PartitionedForm.Index i when relkind(i.relation()) == 'p' -> index(i.relation(), i.name(), i.unique(), i.definition());
            case PartitionedForm.DropIndex d when relkind(d.relation()) == 'I' -> run("DROP INDEX IF EXISTS " + d.relation());
            case PartitionedForm.ForeignKeyNotValid f when beforeNotValidSupport(f.relation()) -> foreignKeyNotValid(f);
            case PartitionedForm.ValidateForeignKey f when beforeNotValidSupport(f.relation()) && validated(f.relation(), f.name()) == null ->
                    validateForeignKey(f);
            case PartitionedForm.DropForeignKey f when relkind(f.relation()) == 'p' && validated(f.relation(), f.name()) == null -> dropOnLeaves(f);
            default -> false;
        };
    }

    /** The parent's index ON ONLY it, each partition's built CONCURRENTLY and attached; sub-partitions recurse. */
    private boolean index(String table, String name, boolean unique, String definition) throws SQLException {
        String kind = unique ? "UNIQUE INDEX " : "INDEX ";
        String parentIndex = schemaPrefix(table) + Identifier.quote(name);
        run("CREATE " + kind + "IF NOT EXISTS " + Identifier.quote(name) + " ON ONLY " + table + " " + definition);
        for (Relation child : children(table)) {
            String childName = childIndexName(child.name(), name);
            String childIndex = Identifier.quote(child.schema()) + "." + Identifier.quote(childName);
            if (child.kind() == 'p') {
                index(child.qualified(), childName, unique, definition);
            } else {
                if (invalidIndex(childIndex)) {
                    run("DROP INDEX CONCURRENTLY IF EXISTS " + childIndex); // a failed build's leftover
                }
                run("CREATE " + kind + "CONCURRENTLY IF NOT EXISTS " + Identifier.quote(childName) + " ON " + child.qualified() + " " + definition);
            }
            if (!attached(childIndex, parentIndex)) {
                run("ALTER INDEX " + parentIndex + " ATTACH PARTITION " + childIndex);
            }
        }
        return true;
    }

    private boolean foreignKeyNotValid(PartitionedForm.ForeignKeyNotValid f) throws SQLException {
        for (Relation leaf : leaves(f.relation())) {
            if (validated(leaf.qualified(), f.name()) == null) {
                run("ALTER TABLE " + leaf.qualified() + " ADD CONSTRAINT " + Identifier.quote(f.name()) + " " + f.definition() + " NOT VALID");
            }
        }
        return true;
    }

    /** Leaves created since the expand have no constraint yet: the parent's ADD clones and validates it there. */
    private boolean validateForeignKey(PartitionedForm.ValidateForeignKey f) throws SQLException {
        for (Relation leaf : leaves(f.relation())) {
            if (Boolean.FALSE.equals(validated(leaf.qualified(), f.name()))) {
                run("ALTER TABLE " + leaf.qualified() + " VALIDATE CONSTRAINT " + Identifier.quote(f.name()));
            }
        }
        run("ALTER TABLE " + f.relation() + " ADD CONSTRAINT " + Identifier.quote(f.name()) + " " + f.definition());
        return true;
    }

    private boolean dropOnLeaves(PartitionedForm.DropForeignKey f) throws SQLException {
        for (Relation leaf : leaves(f.relation())) {
            run("ALTER TABLE " + leaf.qualified() + " DROP CONSTRAINT IF EXISTS " + Identifier.quote(f.name()));
        }
        return true;
    }

    private boolean beforeNotValidSupport(String table) throws SQLException {
        return relkind(table) == 'p' && serverVersion() < NOT_VALID_ON_PARTITIONED_SINCE;
    }

    /** {@code <partition>_<index>}, cut to 63 bytes with a hash of the whole so that two long partition names differ. */
    static String childIndexName(String partition, String index) {
        String whole = partition + "_" + index;
        if (whole.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
            return whole;
        }
        String suffix = "_" + Integer.toHexString(whole.hashCode());
        String head = whole;
        while ((head + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            head = head.substring(0, head.length() - 1);
        }
        return head + suffix;
    }

    private boolean run(String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
        log.accept("  partitioned: " + sql);
        return true;
    }

    private char relkind(String relation) throws SQLException {
        String kind = one("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)", relation);
        return kind == null ? '?' : kind.charAt(0);
    }

    private int serverVersion() throws SQLException {
        return Integer.parseInt(one("SELECT current_setting('server_version_num')", null));
    }

    /** Whether the relation's constraint is validated; null when it has none of that name. */
    private Boolean validated(String relation, String constraint) throws SQLException {
        String v = one("SELECT convalidated::text FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?", relation, constraint);
        return v == null ? null : Boolean.valueOf(v);
    }

    private boolean invalidIndex(String index) throws SQLException {
        return one("SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(?) AND NOT indisvalid", index) != null;
    }

    private boolean attached(String childIndex, String parentIndex) throws SQLException {
        return one("SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(?) AND inhparent = to_regclass(?)", childIndex, parentIndex) != null;
    }

    private record Relation(String schema, String name, char kind) {
        String qualified() {
            return Identifier.quote(schema) + "." + Identifier.quote(name);
        }
    }

    private List<Relation> children(String table) throws SQLException {
        return relations("SELECT n.nspname, c.relname, c.relkind::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.inhparent = to_regclass(?) ORDER BY n.nspname, c.relname", table);
    }

    private List<Relation> leaves(String table) throws SQLException {
        return relations("SELECT n.nspname, c.relname, c.relkind::text FROM pg_partition_tree(to_regclass(?)) t JOIN pg_class c ON c.oid = t.relid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf AND c.relkind = 'r' ORDER BY n.nspname, c.relname", table);
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

    private String one(String query, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; params != null && i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String schemaPrefix(String table) {
        List<String> parts = Identifier.parse("table", table);
        return parts.size() == 1 ? "" : Identifier.quote(parts.get(0)) + ".";
    }
}
