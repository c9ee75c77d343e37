package dev.pgbackfill.migrate.examples;

import dev.pgbackfill.migrate.Column;
import dev.pgbackfill.migrate.Migration;
import dev.pgbackfill.migrate.Ops;
import dev.pgbackfill.spec.BackfillSpec;
import java.util.List;

/** The NOT NULL pattern: a column with a default for new rows, old rows backfilled, then a validated NOT NULL. */
public final class UsersVerifiedNotNull implements Migration {
    public String revision() {
        return "007";
    }

    public List<String> downRevisions() {
        return List.of("006");
    }

    public String message() {
        return "users.verified: false for existing users, NOT NULL";
    }

    public void upgrade(Ops op) {
        op.addColumn("users", Column.of("verified", "boolean"));
        op.alterColumnDefault("users", "verified", "false");             // new rows get it from the server
        op.backfill(BackfillSpec.on("users").set("verified = false").where("verified IS NULL").build());
        op.setNotNull("users", "verified");
    }

    public void downgrade(Ops op) {
        op.dropColumn("users", "verified");
    }
}
