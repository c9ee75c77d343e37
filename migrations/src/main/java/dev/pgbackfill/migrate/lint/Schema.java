package dev.pgbackfill.migrate.lint;

import dev.pgbackfill.migrate.op.Names;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the lint knows about the database when it reaches a statement: what the revisions read so far created and
 * changed, and (with {@code --db}) what the catalog holds. Catalog facts apply only to revisions not yet applied:
 * an applied revision ran against an older state. A table created earlier in the same revision is new (empty); with
 * {@code --db}, so is a table that a pending revision before it creates and the database does not hold yet, for the
 * statements that run before the application's rollout (expand; a contract phase runs after it).
 */
final class Schema {
    private final Catalog catalog;
    private boolean pending;
    private dev.pgbackfill.migrate.Phase phase = dev.pgbackfill.migrate.Phase.EXPAND;
    private final Set<String> createdHere = new HashSet<>();
    private final Set<String> createdByPending = new HashSet<>();
    private final Set<String> partitioned = new HashSet<>();
    private final Set<String> partitionedIndexes = new HashSet<>(); // indexes the revisions built on partitioned tables
    private final Map<String, String> columnTypes = new HashMap<>();        // table.column → type, as the revisions leave it
    private final Map<String, String> notNullChecks = new HashMap<>();      // constraint → table.column
    private final Set<String> provenNotNull = new HashSet<>();
    private final Set<String> notValidHere = new HashSet<>();               // constraints added NOT VALID in this revision

    Schema(Catalog catalog) {
        this.catalog = catalog;
    }

    /** A downgrade runs against the state its upgrade left: nothing from the catalog or the other revisions applies. */
    static Schema forDowngrade() {
        return new Schema(Catalog.NONE);
    }

    void startRevision(boolean revisionPending) {
        pending = revisionPending && catalog.present();
        phase = dev.pgbackfill.migrate.Phase.EXPAND;
        createdHere.clear();
        notValidHere.clear();
    }

    void created(String table, boolean isPartitioned) {
        String key = key(table);
        createdHere.add(key);
        if (pending) {
            createdByPending.add(key);
        }
        if (isPartitioned) {
            partitioned.add(key);
        }
    }

    /** The phase of the statements read next: a contract statement runs after the rollout, when new tables may hold rows. */
    void statementPhase(dev.pgbackfill.migrate.Phase next) {
        phase = next;
    }

    boolean isNew(String table) {
        String key = key(table);
        return createdHere.contains(key) || (pending && phase == dev.pgbackfill.migrate.Phase.EXPAND && createdByPending.contains(key)
                && catalog.table(key).isEmpty());
    }

    /** Known partitioned (by a revision's PARTITION BY, or the catalog), known not, or empty when unknown. */
    Optional<Boolean> partitioned(String table) {
        if (partitioned.contains(key(table))) {
            return Optional.of(true);
        }
        return facts(table).map(Catalog.Table::partitioned);
    }

    void partitionedIndex(String index) {
        partitionedIndexes.add(key(index));
    }

    /** An index of a partitioned table: built so by a revision read so far, or so in the database. */
    boolean isPartitionedIndex(String index) {
        return partitionedIndexes.contains(key(index)) || pending && catalog.partitionedIndexes().contains(key(index));
    }

    /** The catalog's facts about a table, for a revision still to run. */
    Optional<Catalog.Table> facts(String table) {
        return pending ? catalog.table(key(table)) : Optional.empty();
    }

    boolean catalogAcceptsNotValidForeignKeyOnPartitioned() {
        return pending && catalog.acceptsNotValidForeignKeyOnPartitioned();
    }

    Optional<Character> volatility(String function) {
        return pending ? catalog.volatility(function) : Optional.empty();
    }

    void columnType(String table, String column, String type) {
        columnTypes.put(key(table) + "." + key(column), type.strip());
    }

    /** The column's type before this statement: from the revisions read so far, else from the catalog. */
    String columnType(String table, String column) {
        String known = columnTypes.get(key(table) + "." + key(column));
        return known != null ? known : facts(table).map(t -> t.columns().get(key(column))).orElse(null);
    }

    void notNullCheck(String constraint, String table, String column) {
        notNullChecks.put(key(constraint), key(table) + "." + key(column));
    }

    void addedNotValid(String constraint) {
        notValidHere.add(key(constraint));
    }

    /** Records a VALIDATE; true when the constraint was added NOT VALID in this same revision. */
    boolean validated(String constraint) {
        String column = notNullChecks.get(key(constraint));
        if (column != null) {
            provenNotNull.add(column);
        }
        return notValidHere.contains(key(constraint));
    }

    boolean provenNotNull(String table, String column) {
        return provenNotNull.contains(key(table) + "." + key(column)) || facts(table).map(t -> t.notNull().contains(key(column))).orElse(false);
    }

    static String key(String name) {
        try {
            return Names.key(name);
        } catch (RuntimeException e) {
            return name.toLowerCase(Locale.ROOT);
        }
    }
}
