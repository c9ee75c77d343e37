package dev.pgbackfill.migrate.examples;

import dev.pgbackfill.migrate.Migration;
import dev.pgbackfill.migrate.Ops;
import java.util.List;

/**
 * A rename without downtime: the new column is added and kept equal to the old one by a trigger while both
 * application versions run; the old rows are backfilled; the contract drops trigger, function and old column.
 */
public final class RenameUsernameToLogin implements Migration {
    public String revision() {
        return "006";
    }

    public List<String> downRevisions() {
        return List.of("005");
    }

    public String message() {
        return "users.username renamed to login through a sync trigger";
    }

    public void upgrade(Ops op) {
        op.renameColumn("users", "username", "login", "text");
    }

    public void downgrade(Ops op) {
        op.renameColumn("users", "login", "username", "text");
    }
}
