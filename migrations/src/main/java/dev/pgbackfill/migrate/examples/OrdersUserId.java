package dev.pgbackfill.migrate.examples;

import dev.pgbackfill.migrate.Column;
import dev.pgbackfill.migrate.Migration;
import dev.pgbackfill.migrate.Ops;
import dev.pgbackfill.spec.BackfillSpec;
import java.util.List;

/**
 * A foreign key on a big table: added NOT VALID (new writes are checked at once, existing rows are not scanned
 * under lock), the column filled from users by a joined backfill, then VALIDATE in the contract phase.
 */
public final class OrdersUserId implements Migration {
    public String revision() {
        return "009";
    }

    public List<String> downRevisions() {
        return List.of("008");
    }

    public String message() {
        return "orders.user_id referencing users, filled from user_email";
    }

    public void upgrade(Ops op) {
        op.addColumn("orders", Column.of("user_id", "uuid"));
        op.addForeignKey("orders_user_id_fkey", "orders", "user_id", "users", "id");
        op.backfill(BackfillSpec.on("orders").set("user_id = u.id").from("users u", "u.email = t.user_email").build());
    }

    public void downgrade(Ops op) {
        op.dropConstraint("orders", "orders_user_id_fkey");
        op.dropColumn("orders", "user_id");
    }
}
