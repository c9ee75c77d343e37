package dev.pgbackfill.migrate.step;

/**
 * What a step becomes when, at run time, its table turns out to be partitioned and PostgreSQL refuses the step's own
 * form there (measured on 15: "cannot create index on partitioned table concurrently", "cannot drop partitioned index
 * concurrently", "cannot add NOT VALID foreign key on partitioned table"; PostgreSQL 18 accepts the last one). The
 * lowering cannot know (offline SQL has no database), so the executor asks the catalog and runs this form instead.
 * Each form is idempotent, so a retried or resumed step repeats it safely.
 */
public sealed interface PartitionedForm {
    /** The partitioned table (or, for {@link DropIndex}, the index) as written in the revision. */
    String relation();

    /** What runs instead, for the offline script's comment. */
    String describe();

    /**
     * {@code CREATE INDEX … ON ONLY parent} (catalog only), {@code CREATE INDEX CONCURRENTLY} on each partition, then
     * {@code ALTER INDEX … ATTACH PARTITION}: the parent's index turns valid once every partition's is attached.
     *
     * @param name       the index name, unquoted
     * @param definition what follows {@code ON table}: the columns in parentheses and the WHERE clause, if any
     */
    record Index(String relation, String name, boolean unique, String definition) implements PartitionedForm {
        public String describe() {
            return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + name + " ON ONLY " + relation + " " + definition
                    + "; per partition: CREATE INDEX CONCURRENTLY <partition>_" + name + " …; ALTER INDEX " + name + " ATTACH PARTITION …";
        }
    }

    /** A partitioned index cannot be dropped CONCURRENTLY (nor its partitions' ones alone): a plain, brief DROP INDEX. */
    record DropIndex(String relation) implements PartitionedForm {
        public String describe() {
            return "DROP INDEX IF EXISTS " + relation + " (a partitioned index cannot be dropped CONCURRENTLY)";
        }
    }

    /**
     * Before PostgreSQL 18: {@code ADD CONSTRAINT … NOT VALID} on each leaf partition, not on the parent.
     *
     * @param definition the constraint after its name: {@code FOREIGN KEY (…) REFERENCES …}
     */
    record ForeignKeyNotValid(String relation, String name, String definition) implements PartitionedForm {
        public String describe() {
            return "before PostgreSQL 18, on each partition: ADD CONSTRAINT " + name + " " + definition + " NOT VALID";
        }
    }

    /**
     * Before PostgreSQL 18: {@code VALIDATE} each partition's constraint (no lock that blocks writes), then add it on
     * the parent, which attaches the validated ones without scanning again.
     */
    record ValidateForeignKey(String relation, String name, String definition) implements PartitionedForm {
        public String describe() {
            return "before PostgreSQL 18, on each partition: VALIDATE CONSTRAINT " + name + "; then on " + relation + ": ADD CONSTRAINT " + name
                    + " " + definition + " (attaches the validated ones, no second scan)";
        }
    }

    /** Undoing {@link ForeignKeyNotValid} before its contract ran: the constraint is on the partitions only. */
    record DropForeignKey(String relation, String name) implements PartitionedForm {
        public String describe() {
            return "when only the partitions hold it: DROP CONSTRAINT IF EXISTS " + name + " on each partition";
        }
    }
}
