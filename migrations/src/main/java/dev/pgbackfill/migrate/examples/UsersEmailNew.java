package dev.pgbackfill.migrate.examples;

import dev.pgbackfill.migrate.Column;
import dev.pgbackfill.migrate.Migration;
import dev.pgbackfill.migrate.Ops;
import java.util.List;

/** Expand / backfill / contract of a derived column: add it nullable, fill it in batches, then make it NOT NULL. */
public final class UsersEmailNew implements Migration {
    public String revision() {
        return "005";
    }

    public List<String> downRevisions() {
        return List.of("004");
    }

    public String message() {
        return "users.email_new: lower-cased email, NOT NULL once backfilled";
    }

    public void upgrade(Ops op) {
        op.addColumn("users", Column.of("email_new", "text"));          // expand: nullable, no rewrite
        op.backfill("users", "email_new = lower(email)");                // backfill: a pgbackfill job
        op.setNotNull("users", "email_new");                             // contract: CHECK NOT VALID → VALIDATE → SET NOT NULL
    }

    public void downgrade(Ops op) {
        op.dropColumn("users", "email_new");
    }
}
