package dev.pgbackfill.migrate.lint;

import java.util.Arrays;
import java.util.Locale;

/** The lint rules of {@code migrate check}, after squawk and strong_migrations. */
public enum Rule {
    INDEX_NOT_CONCURRENT(Severity.ERROR, "a plain CREATE INDEX on an existing table blocks every write to it until the build ends",
            "CREATE INDEX CONCURRENTLY in a revision marked \"-- transactional: false\", or op.createIndex (lowered to it)"),
    FK_NOT_VALID(Severity.ERROR, "adding a FOREIGN KEY validates every row while holding locks that block writes on both tables",
            "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later step, or op.addForeignKey"),
    CONSTRAINT_NOT_VALID(Severity.ERROR, "adding a CHECK constraint scans every row under an ACCESS EXCLUSIVE lock (no reads, no writes)",
            "ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT in a later revision or step"),
    UNIQUE_WITHOUT_INDEX(Severity.ERROR, "ADD UNIQUE / PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock",
            "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX (or PRIMARY KEY USING INDEX)"),
    VALIDATE_IN_SAME_TRANSACTION(Severity.ERROR, "a NOT VALID constraint validated in the same transaction keeps the ACCESS EXCLUSIVE lock of the ADD for the whole scan",
            "VALIDATE in a later revision (or a revision marked \"-- transactional: false\"), or op.addForeignKey / op.setNotNull"),
    CONCURRENTLY_IN_TRANSACTION(Severity.ERROR, "CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block: the revision would fail when run",
            "mark the revision \"-- transactional: false\" (each statement then runs on its own), or use op.createIndex / op.dropIndex"),
    SET_NOT_NULL(Severity.ERROR, "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock (no reads, no writes)",
            "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; SET NOT NULL; DROP CONSTRAINT c, or op.setNotNull"),
    RENAME_IN_PLACE(Severity.ERROR, "renaming a column or table in place breaks the application version still running during the deploy",
            "op.renameColumn (new column + sync trigger + backfill, old one dropped in contract) or op.renameTable (a view keeps the old name)"),
    TYPE_REWRITE(Severity.ERROR, "changing a column's type usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
            "add a column of the new type, backfill it, switch the application, drop the old column (expand → backfill → contract)"),
    VOLATILE_DEFAULT(Severity.ERROR, "ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), nextval) rewrites the table under an ACCESS EXCLUSIVE lock",
            "add the column without a default (or a constant one), SET DEFAULT for new rows, then backfill the existing rows"),
    DROP_WITHOUT_BACKUP(Severity.WARNING, "dropping data cannot be undone by a downgrade",
            "op.dropTable (renamed to _<table>_backup unless --allow-destructive), or acknowledge with \"-- lint-ack: drop-without-backup\""),
    MISSING_LOCK_TIMEOUT(Severity.ERROR, "without a lock_timeout, DDL waiting for a lock queues every later query on the table behind it",
            "leave lock_timeout alone (pgbackfill runs DDL with a short one and retries), or SET lock_timeout = '2s' (at most 10 s)"),
    MISSING_DOWNGRADE(Severity.ERROR, "a revision without a downgrade cannot be rolled back, nor checked by test-reversible",
            "write the -- migrate:down section / downgrade(op) that undoes the upgrade");

    public enum Severity {
        ERROR, WARNING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Severity severity;
    private final String why;
    private final String safeForm;

    Rule(Severity severity, String why, String safeForm) {
        this.severity = severity;
        this.why = why;
        this.safeForm = safeForm;
    }

    /** The name used in messages and acknowledgements: {@code index-not-concurrent}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Severity severity() {
        return severity;
    }

    public String why() {
        return why;
    }

    public String safeForm() {
        return safeForm;
    }

    public static boolean exists(String id) {
        return Arrays.stream(values()).anyMatch(r -> r.id().equals(id));
    }
}
