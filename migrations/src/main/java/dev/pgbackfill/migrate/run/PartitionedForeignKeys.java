package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.step.PartitionedForm;
import dev.pgbackfill.sql.Identifier;
import java.sql.SQLException;
import java.util.List;

/**
 * A foreign key on a partitioned table before PostgreSQL 18, which refuses NOT VALID there: NOT VALID on each leaf
 * partition in expand; in contract each leaf's VALIDATE (no lock that blocks writes), each committed alone, then the
 * parent's ADD CONSTRAINT, which attaches the validated ones without a second scan (measured: 1 ms against 152 ms for
 * 2 M rows). That last statement takes a brief lock on both tables that blocks writes.
 */
final class PartitionedForeignKeys {
    private final PartitionedSteps sql;

    PartitionedForeignKeys(PartitionedSteps sql) {
        this.sql = sql;
    }

    /** A table with no partitions yet takes the constraint on the parent at once (instant; later partitions inherit it). */
    boolean addNotValid(PartitionedForm.ForeignKeyNotValid f) throws SQLException {
        List<PartitionedSteps.Relation> leaves = localLeaves(f.relation());
        if (leaves.isEmpty() && sql.validated(f.relation(), f.name()) == null) {
            sql.run("ALTER TABLE " + f.relation() + " ADD CONSTRAINT " + Identifier.quote(f.name()) + " " + f.definition());
            return true;
        }
        for (PartitionedSteps.Relation leaf : leaves) {
            if (sql.validated(leaf.qualified(), f.name()) == null) {
                sql.run("ALTER TABLE " + leaf.qualified() + " ADD CONSTRAINT " + Identifier.quote(f.name()) + " " + f.definition() + " NOT VALID");
            }
        }
        return true;
    }

    /**
     * Leaves created since the expand get theirs NOT VALID first, so that no partition is scanned under the parent's
     * lock. Chosen by what the parent holds, not by the server's version: an expand run before an upgrade to 18 left
     * the constraint on the leaves only.
     */
    boolean validateThenAttach(PartitionedForm.ValidateForeignKey f) throws SQLException {
        for (PartitionedSteps.Relation leaf : localLeaves(f.relation())) {
            if (sql.validated(leaf.qualified(), f.name()) == null) {
                sql.run("ALTER TABLE " + leaf.qualified() + " ADD CONSTRAINT " + Identifier.quote(f.name()) + " " + f.definition() + " NOT VALID");
                sql.commit();
            }
            if (Boolean.FALSE.equals(sql.validated(leaf.qualified(), f.name()))) {
                sql.run("ALTER TABLE " + leaf.qualified() + " VALIDATE CONSTRAINT " + Identifier.quote(f.name()));
                sql.commit();
            }
        }
        sql.run("ALTER TABLE " + f.relation() + " ADD CONSTRAINT " + Identifier.quote(f.name()) + " " + f.definition());
        return true;
    }

    boolean dropOnLeaves(PartitionedForm.DropForeignKey f) throws SQLException {
        for (PartitionedSteps.Relation leaf : localLeaves(f.relation())) {
            sql.run("ALTER TABLE " + leaf.qualified() + " DROP CONSTRAINT IF EXISTS " + Identifier.quote(f.name()));
        }
        return true;
    }

    /** Foreign-table partitions take no foreign key; PostgreSQL skips them on the parent too. */
    private List<PartitionedSteps.Relation> localLeaves(String table) throws SQLException {
        return sql.leaves(table).stream().filter(r -> r.kind() == 'r').toList();
    }
}
