package dev.pgbackfill.migrate.step;

import dev.pgbackfill.migrate.Phase;

/**
 * One SQL statement.
 *
 * @param repair      run first when its condition holds, as part of this step, so that a retry of this step repeats it
 *                    (drop the INVALID index a failed CONCURRENTLY build left behind); null for none
 * @param origin      where the statement comes from, for messages ({@code 005_orders.sql:12} or an op's name)
 * @param partitioned what runs instead when the table is partitioned and PostgreSQL refuses this form there; null for none
 */
public record SqlStep(Phase phase, String sql, Tx tx, Repair repair, String origin, PartitionedForm partitioned) implements Step {

    public SqlStep(Phase phase, String sql, Tx tx, Repair repair, String origin) {
        this(phase, sql, tx, repair, origin, null);
    }

    /** A statement that runs before the step only when {@code condition} (a query returning one boolean) is true. */
    public record Repair(String condition, String sql) {
    }

    public SqlStep withTx(Tx other) {
        return new SqlStep(phase, sql, other, repair, origin, partitioned);
    }
}
