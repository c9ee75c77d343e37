package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.step.PartitionedForm;
import dev.pgbackfill.sql.Identifier;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * An index on a partitioned table without blocking writes: {@code CREATE INDEX … ON ONLY parent} (catalog only), each
 * partition's index built CONCURRENTLY and attached; the parent's index turns valid with the last attach. A
 * partition that already has an index attached to the parent's (one PostgreSQL built for a partition created later,
 * or an earlier attempt's) is left as it is.
 */
final class PartitionedIndexes {
    private static final int MAX_IDENTIFIER_BYTES = 63;
    private final PartitionedSteps sql;

    PartitionedIndexes(PartitionedSteps sql) {
        this.sql = sql;
    }

    boolean build(PartitionedForm.Index form) throws SQLException {
        PartitionedSteps.Relation table = sql.relation(form.relation());
        refuseForeignPartitions(form.relation());
        build(table, form.name(), form.unique() ? "UNIQUE INDEX " : "INDEX ", form.definition());
        return true;
    }

    private void build(PartitionedSteps.Relation table, String name, String kind, String definition) throws SQLException {
        String parentIndex = table.sibling(name); // in the table's schema, not wherever the search path finds the name first
        sql.run("CREATE " + kind + "IF NOT EXISTS " + Identifier.quote(name) + " ON ONLY " + table.qualified() + " " + definition);
        if ("true".equals(sql.one("SELECT indisvalid::text FROM pg_index WHERE indexrelid = to_regclass(?)", parentIndex))) {
            return; // every partition's index is attached already
        }
        for (PartitionedSteps.Relation child : sql.children(table.qualified())) {
            if (sql.one("SELECT 1 FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid WHERE i.inhparent = to_regclass(?) "
                    + "AND x.indrelid = to_regclass(?)", parentIndex, child.qualified()) != null) {
                continue;
            }
            String childName = childIndexName(child.name(), name);
            String childIndex = child.sibling(childName);
            if (child.kind() == 'p') {
                build(child, childName, kind, definition);
            } else {
                if (sql.one("SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(?) AND NOT indisvalid", childIndex) != null) {
                    sql.run("DROP INDEX CONCURRENTLY IF EXISTS " + childIndex); // a failed build's leftover
                }
                sql.run("CREATE " + kind + "CONCURRENTLY IF NOT EXISTS " + Identifier.quote(childName) + " ON " + child.qualified() + " " + definition);
            }
            sql.run("ALTER INDEX " + parentIndex + " ATTACH PARTITION " + childIndex);
        }
    }

    /** A foreign-table partition cannot be indexed: the parent's ON ONLY index would stay invalid for ever. */
    private void refuseForeignPartitions(String table) throws SQLException {
        for (PartitionedSteps.Relation leaf : sql.leaves(table)) {
            if (leaf.kind() == 'f') {
                throw new MigrationRefusedException("partition " + leaf.qualified() + " of " + table + " is a foreign table, which cannot be "
                        + "indexed, so an index on " + table + " would never turn valid: create the index on each local partition with op.execute "
                        + "(CREATE INDEX CONCURRENTLY), or detach the foreign partition first");
            }
        }
    }

    /** Drops the partitioned index (its attached partition indexes go with it), then what an interrupted build left unattached. */
    boolean drop(PartitionedForm.DropIndex form) throws SQLException {
        PartitionedSteps.Relation index = sql.relation(form.relation());
        PartitionedSteps.Relation table = sql.relation(sql.one("SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = to_regclass(?)",
                form.relation()));
        sql.run("DROP INDEX IF EXISTS " + index.qualified());
        if (table != null) {
            dropLeftovers(table, index.name());
        }
        return true;
    }

    private void dropLeftovers(PartitionedSteps.Relation table, String name) throws SQLException {
        for (PartitionedSteps.Relation child : sql.children(table.qualified())) {
            String childName = childIndexName(child.name(), name);
            if (child.kind() == 'p') {
                sql.run("DROP INDEX IF EXISTS " + child.sibling(childName));
                dropLeftovers(child, childName);
            } else if (sql.relkind(child.sibling(childName)) == 'i') {
                sql.run("DROP INDEX CONCURRENTLY IF EXISTS " + child.sibling(childName));
            }
        }
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
}
