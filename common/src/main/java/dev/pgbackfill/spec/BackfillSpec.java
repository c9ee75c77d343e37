package dev.pgbackfill.spec;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.util.List;

/**
 * A backfill as the operator describes it: the same fields on the command line, in the REST API and in Java.
 * {@code UPDATE <table> t SET <set…> [FROM <from>] WHERE [<join> AND] <where>}. Nothing here has been checked
 * against the database yet; {@code SpecValidator} turns it into a {@link ResolvedSpec}.
 *
 * @param table     target table in SQL identifier syntax, e.g. {@code sales."Order Items"}
 * @param set       assignments {@code column = expression}; expressions may use the target's columns (alias {@code t})
 * @param where     optional predicate; without it one is derived from the assignments
 * @param from      optional extra FROM items, e.g. {@code users u}
 * @param join      join condition for {@code from}, e.g. {@code u.legacy_id = t.legacy_user_id}
 * @param key       key columns (comma separated); default the primary key
 * @param batchSize rows per batch (one transaction)
 * @param chunkSize rows per chunk (one unit of work for a worker); null lets the planner choose
 * @param throttle  initial throttle settings (rate, schedule, health thresholds…); null for none
 * @param disableTriggers run batches with {@code session_replication_role = replica}, so the table's ordinary
 *                  triggers do not fire for backfilled rows (needs the right to SET that parameter)
 */
public record BackfillSpec(String table, List<String> set, @Nullable String where, @Nullable String from, @Nullable String join,
                           @Nullable String key, @Nullable Integer batchSize, @Nullable Long chunkSize, @Nullable ThrottleSettings throttle,
                           @Nullable Boolean disableTriggers) {

    public static final int DEFAULT_BATCH_SIZE = 1_000;
    public static final int MAX_BATCH_SIZE = 100_000;

    public BackfillSpec {
        set = set == null ? List.of() : List.copyOf(set);
    }

    public BackfillSpec(String table, List<String> set, String where, String from, String join, String key, Integer batchSize, Long chunkSize) {
        this(table, set, where, from, join, key, batchSize, chunkSize, null, null);
    }

    public BackfillSpec(String table, List<String> set, String where, String from, String join, String key, Integer batchSize, Long chunkSize,
                        ThrottleSettings throttle) {
        this(table, set, where, from, join, key, batchSize, chunkSize, throttle, null);
    }

    /** Starts a spec for {@code table}: {@code BackfillSpec.on("users").set("email_new = lower(email)").batchSize(500).build()}. */
    public static Builder on(String table) {
        return new Builder(table);
    }

    /** The same spec on another table (e.g. the name qualified as the catalog resolves it). */
    public BackfillSpec withTable(String other) {
        return new BackfillSpec(other, set, where, from, join, key, batchSize, chunkSize, throttle, disableTriggers);
    }

    /** Builds a {@link BackfillSpec} field by field; unset fields keep their defaults (null). */
    public static final class Builder {
        private final String table;
        private List<String> set = List.of();
        private String where;
        private String from;
        private String join;
        private String key;
        private Integer batchSize;
        private Long chunkSize;
        private ThrottleSettings throttle;
        private Boolean disableTriggers;

        private Builder(String table) {
            this.table = table;
        }

        public Builder set(String... assignments) {
            return set(List.of(assignments));
        }

        public Builder set(List<String> assignments) {
            this.set = assignments;
            return this;
        }

        public Builder where(String predicate) {
            this.where = predicate;
            return this;
        }

        /** {@code UPDATE … FROM from WHERE join}: both go together. */
        public Builder from(String fromItems, String joinCondition) {
            this.from = fromItems;
            this.join = joinCondition;
            return this;
        }

        public Builder key(String columns) {
            this.key = columns;
            return this;
        }

        public Builder batchSize(Integer rows) {
            this.batchSize = rows;
            return this;
        }

        public Builder chunkSize(Long rows) {
            this.chunkSize = rows;
            return this;
        }

        public Builder throttle(ThrottleSettings settings) {
            this.throttle = settings;
            return this;
        }

        /** {@code --disable-triggers}: the table's ordinary triggers do not fire for backfilled rows. */
        public Builder disableTriggers() {
            this.disableTriggers = true;
            return this;
        }

        public BackfillSpec build() {
            return new BackfillSpec(table, set, where, from, join, key, batchSize, chunkSize, throttle, disableTriggers);
        }
    }

    public ThrottleSettings throttleOrNone() {
        return throttle == null ? ThrottleSettings.NONE : throttle;
    }

    public boolean triggersDisabled() {
        return Boolean.TRUE.equals(disableTriggers);
    }

    public int batchSizeOrDefault() {
        return batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
    }

    /** Checks what can be checked without a database: presence, forms and bounds. */
    public List<Assignment> assignments() {
        if (table == null || table.isBlank()) {
            throw new InvalidInputException("table", "--table is required, e.g. --table users");
        }
        if (set.isEmpty()) {
            throw new InvalidInputException("set", "at least one --set \"column = expression\" is required");
        }
        if (batchSize != null && (batchSize < 1 || batchSize > MAX_BATCH_SIZE)) {
            throw new InvalidInputException("batchSize", "--batch-size must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (chunkSize != null && (chunkSize < 1 || chunkSize > 1_000_000_000L)) {
            throw new InvalidInputException("chunkSize", "--chunk-size must be between 1 and 1000000000, got " + chunkSize);
        }
        if ((from == null) != (join == null) || (from != null && (from.isBlank() || join.isBlank()))) {
            throw new InvalidInputException("join", "--from and --join go together, e.g. --from \"users u\" --join \"u.legacy_id = t.legacy_user_id\"");
        }
        if (where != null && where.isBlank()) {
            throw new InvalidInputException("where", "--where is empty");
        }
        throttleOrNone().validated();
        return set.stream().map(Assignment::parse).toList();
    }
}
