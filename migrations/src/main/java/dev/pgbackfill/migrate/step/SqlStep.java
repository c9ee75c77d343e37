package dev.pgbackfill.migrate.step;

import dev.pgbackfill.migrate.Phase;

/**
 * One SQL statement.
 *
 * @param onlyIf a query returning one boolean: the statement runs only when it is true (e.g. drop an index only
 *               when a failed CONCURRENTLY build left it INVALID); null to always run
 * @param origin where the statement comes from, for messages ({@code 005_orders.sql:12} or an op's name)
 */
public record SqlStep(Phase phase, String sql, Tx tx, String onlyIf, String origin) implements Step {

    public SqlStep withTx(Tx other) {
        return new SqlStep(phase, sql, other, onlyIf, origin);
    }
}
