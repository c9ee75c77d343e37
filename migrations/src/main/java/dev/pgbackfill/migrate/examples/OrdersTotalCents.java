package dev.pgbackfill.migrate.examples;

import dev.pgbackfill.migrate.Column;
import dev.pgbackfill.migrate.Migration;
import dev.pgbackfill.migrate.Ops;
import java.util.List;
import java.util.Set;

/** A data migration: money as integer cents. The old column goes in the contract phase, once nothing reads it. */
public final class OrdersTotalCents implements Migration {
    public String revision() {
        return "008";
    }

    public List<String> downRevisions() {
        return List.of("007");
    }

    public String message() {
        return "orders.total (numeric) → orders.total_cents (bigint)";
    }

    public void upgrade(Ops op) {
        op.addColumn("orders", Column.of("total_cents", "bigint"));
        op.backfill("orders", "total_cents = round(total * 100)::bigint");
        op.setNotNull("orders", "total_cents");
        op.dropColumn("orders", "total");
    }

    public void downgrade(Ops op) {
        op.addColumn("orders", Column.of("total", "numeric(12,2)"));
        op.backfill("orders", "total = total_cents / 100.0");
        op.setNotNull("orders", "total");
        op.dropColumn("orders", "total_cents");
    }

    /** Dropping orders.total is the point of this revision; its downgrade recomputes it from total_cents. */
    public Set<String> acknowledged() {
        return Set.of("drop-without-backup");
    }
}
