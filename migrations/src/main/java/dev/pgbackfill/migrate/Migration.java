package dev.pgbackfill.migrate;

import java.util.List;
import java.util.Set;

/**
 * A revision written in Java, like an Alembic script: {@code upgrade(op)} and {@code downgrade(op)} record
 * operations, which pgbackfill lowers to safe DDL and runs phase by phase. Register implementations in
 * {@code META-INF/services/dev.pgbackfill.migrate.Migration} of a jar given to {@code migrate --jar}.
 *
 * <pre>{@code
 * public final class AddEmailNew implements Migration {
 *     public String revision() { return "005"; }
 *     public List<String> downRevisions() { return List.of("004"); }
 *     public String message() { return "users.email_new: lower-cased copy of email"; }
 *     public void upgrade(Ops op) {
 *         op.addColumn("users", Column.of("email_new", "text"));
 *         op.backfill("users", "email_new = lower(email)");
 *         op.setNotNull("users", "email_new");
 *     }
 *     public void downgrade(Ops op) { op.dropColumn("users", "email_new"); }
 * }
 * }</pre>
 */
public interface Migration {
    String revision();

    /** The parent revision(s): none for a base revision, two or more for a merge. */
    List<String> downRevisions();

    String message();

    /**
     * Revisions that must be applied before this one without merging their branch into this one's (Alembic's
     * {@code depends_on}): e.g. a revision on the {@code billing} branch that needs the {@code users} table.
     */
    default List<String> dependsOn() {
        return List.of();
    }

    /** Names for the branch this revision starts (Alembic's {@code branch_labels}): targets such as {@code billing@head}. */
    default Set<String> branchLabels() {
        return Set.of();
    }

    void upgrade(Ops op);

    void downgrade(Ops op);

    /** False runs each statement on its own, outside a transaction block (needed for raw CONCURRENTLY SQL). */
    default boolean transactional() {
        return true;
    }

    /** Lint rules whose findings this revision accepts knowingly, e.g. {@code drop-without-backup}. */
    default Set<String> acknowledged() {
        return Set.of();
    }
}
