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
    RENAME_IN_PLACE(Severity.ERROR, "renaming in place breaks the application version still running during the deploy: its queries name the old one",
            "a column: ADD COLUMN new, a trigger that copies writes between both, backfill new from old, switch the application, DROP the old "
                    + "column in a later revision (op.renameColumn writes all of it); a table: RENAME TO new and CREATE VIEW old AS SELECT * FROM new "
                    + "in the same revision, DROP VIEW old later (op.renameTable)"),
    TYPE_REWRITE(Severity.ERROR, "changing a column's type usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
            "add a column of the new type, backfill it, switch the application, drop the old column (expand → backfill → contract)"),
    VOLATILE_DEFAULT(Severity.ERROR, "ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), nextval) rewrites the table under an ACCESS EXCLUSIVE lock",
            "add the column without a default (or a constant one), SET DEFAULT for new rows, then backfill the existing rows"),
    DROP_WITHOUT_BACKUP(Severity.WARNING, "dropping data cannot be undone by a downgrade",
            "ALTER TABLE t RENAME TO _t_backup, dropped in a later revision once nothing needs it (op.dropTable), or acknowledge with "
                    + "\"-- lint-ack: drop-without-backup\""),
    MISSING_LOCK_TIMEOUT(Severity.ERROR, "without a lock_timeout, DDL waiting for a lock queues every later query on the table behind it",
            "leave lock_timeout alone (pgbackfill runs DDL with a short one and retries), or SET lock_timeout = '2s' (at most 10 s)"),
    MISSING_DOWNGRADE(Severity.ERROR, "a revision without a downgrade cannot be rolled back, nor checked by test-reversible",
            "write the -- migrate:down section / downgrade(op) that undoes the upgrade"),
    DROP_INDEX_NOT_CONCURRENT(Severity.ERROR, "a plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: no reads, no writes until it ends",
            "DROP INDEX CONCURRENTLY in a revision marked \"-- transactional: false\", or op.dropIndex"),
    REINDEX_NOT_CONCURRENT(Severity.ERROR, "a plain REINDEX blocks writes to the table (and reads that would use the index) for the whole rebuild",
            "REINDEX ... CONCURRENTLY in a revision marked \"-- transactional: false\""),
    DETACH_PARTITION_NOT_CONCURRENT(Severity.ERROR, "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the partitioned table",
            "ALTER TABLE parent DETACH PARTITION child CONCURRENTLY (PostgreSQL 14+) in a revision marked \"-- transactional: false\""),
    BLOCKING_REWRITE(Severity.ERROR, "VACUUM FULL and CLUSTER rewrite the whole table under an ACCESS EXCLUSIVE lock: no reads, no writes until done",
            "plain VACUUM (no lock on reads or writes), or pg_repack / pg_squeeze to compact a table online"),
    TRUNCATE(Severity.ERROR, "TRUNCATE takes an ACCESS EXCLUSIVE lock and removes every row for good (with CASCADE, of the referencing tables too)",
            "DELETE in batches (a pgbackfill job with --where), or rename the table to _<table>_backup and create it anew"),
    LOCK_TABLE(Severity.ERROR, "an explicit LOCK TABLE holds its lock to the end of the transaction and queues every query on the table behind it",
            "let each statement take the lock it needs, under a short lock_timeout (pgbackfill's default); split the revision"),
    DROP_DATABASE(Severity.ERROR, "DROP DATABASE destroys a whole database; no migration should do it", "do it by hand, outside the migrations"),
    DROP_SCHEMA_CASCADE(Severity.ERROR, "DROP SCHEMA ... CASCADE drops every object in it, whatever depends on them",
            "drop the objects one by one (each reviewed), then DROP SCHEMA without CASCADE (it refuses while anything is left)"),
    TRANSACTION_CONTROL(Severity.ERROR, "BEGIN / COMMIT / ROLLBACK in a revision breaks the runner's transaction and its version bookkeeping",
            "leave transactions to the runner: a revision runs in one transaction, or, marked \"-- transactional: false\", statement by statement"),
    NON_TRANSACTIONAL_STATEMENT(Severity.ERROR, "VACUUM, CREATE DATABASE and ALTER SYSTEM cannot run inside a transaction block: the revision would fail",
            "mark the revision \"-- transactional: false\""),
    BACKFILL_IN_DDL_REVISION(Severity.ERROR, "an UPDATE or DELETE of a table altered earlier in the same transaction holds the ALTER's ACCESS EXCLUSIVE lock "
            + "for the whole data change: nothing reads or writes the table until it commits",
            "put the data change in a backfill phase (op.backfill, run in batches by pgbackfill) or a pgbackfill job after the expand revision"),
    ADD_COLUMN_INLINE_INDEX(Severity.ERROR, "ADD COLUMN ... UNIQUE / PRIMARY KEY builds the index under the ALTER's ACCESS EXCLUSIVE lock",
            "ADD COLUMN without it; CREATE UNIQUE INDEX CONCURRENTLY; then ADD CONSTRAINT ... UNIQUE USING INDEX"),
    ADD_EXCLUSION_CONSTRAINT(Severity.ERROR, "ADD ... EXCLUDE builds its index and checks every row under an ACCESS EXCLUSIVE lock; PostgreSQL has no "
            + "online form (no NOT VALID, no USING INDEX)",
            "add it while the table is small or empty, or build a new table with it and swap it in (copy, sync trigger, rename); else acknowledge "
                    + "with \"-- lint-ack: add-exclusion-constraint\" for a maintenance window"),
    ADD_COLUMN_NOT_NULL(Severity.ERROR, "ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows",
            "ADD COLUMN with a constant DEFAULT (instant since PostgreSQL 11), or add it NULL, backfill it, then op.setNotNull"),
    CONCURRENTLY_ON_PARTITIONED(Severity.ERROR, "PostgreSQL refuses CREATE INDEX CONCURRENTLY on a partitioned table: the revision would fail",
            "CREATE INDEX i ON ONLY parent (...); per partition CREATE INDEX CONCURRENTLY p_i ON partition (...) and ALTER INDEX i ATTACH "
                    + "PARTITION p_i, in a revision marked \"-- transactional: false\" (op.createIndex does this)"),
    NOT_VALID_ON_PARTITIONED(Severity.ERROR, "before PostgreSQL 18, a NOT VALID foreign key on a partitioned table is refused: the revision would fail",
            "per partition ADD CONSTRAINT c FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT c, then ADD CONSTRAINT c FOREIGN KEY ... on the "
                    + "parent (it attaches the validated ones without a scan); op.addForeignKey does this"),
    PREFER_JSONB(Severity.WARNING, "json keeps the text as typed: no indexing, no containment operators, every read parses it again",
            "jsonb, unless the exact text (key order, duplicate keys, whitespace) must be kept"),
    // style rules: reported at info level with migrate check --style, never failing the check
    STYLE_BIGINT_KEY(Severity.INFO, "an int or smallint primary key runs out (2^31 rows or ids) and widening it later rewrites the table",
            "bigint (or bigint GENERATED ALWAYS AS IDENTITY)"),
    STYLE_IDENTITY(Severity.INFO, "serial makes a sequence the column does not own by standard rules: grants, dumps and copies trip over it",
            "GENERATED ALWAYS AS IDENTITY (or BY DEFAULT)"),
    STYLE_TEXT(Severity.INFO, "varchar(n) gains nothing over text in PostgreSQL, and raising n later is a schema change",
            "text, with a CHECK (length(col) <= n) where a limit matters (a CHECK can be added NOT VALID)"),
    STYLE_TIMESTAMPTZ(Severity.INFO, "timestamp without time zone stores a wall-clock reading: its instant depends on the writer's time zone",
            "timestamptz (timestamp with time zone): an instant, shown in the reader's time zone"),
    STYLE_NO_CHAR(Severity.INFO, "char(n) pads with spaces, compares ignoring them and is no faster than text",
            "text (or varchar without a length)"),
    STYLE_NAME_TOO_LONG(Severity.INFO, "PostgreSQL truncates names longer than 63 bytes without an error: two long names can collide",
            "a name of at most 63 bytes");

    public enum Severity {
        ERROR, WARNING, INFO;

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

    /** A style rule: off unless configured ({@link LintConfig}) or asked for with {@code --style}. */
    public boolean style() {
        return name().startsWith("STYLE_");
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
