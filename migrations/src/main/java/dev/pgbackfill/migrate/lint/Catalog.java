package dev.pgbackfill.migrate.lint;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code migrate check --db} read from the database, for the rules that depend on it: which tables exist and how
 * big they are, whether they are partitioned, their columns' types and which columns are proven NOT NULL, the
 * volatility of functions, the server's version and which revisions are applied already. {@link #NONE} without a
 * database: every rule then judges the SQL text alone.
 *
 * @param serverVersion      {@code server_version_num}, 0 when unknown
 * @param tables             by {@code schema.table}, and by bare name for the schemas on the search path
 * @param functionVolatility by lower-case name (bare and schema-qualified): {@code i}mmutable, {@code s}table, {@code v}olatile
 * @param applied            revisions of the scope that have run to their end (their effects are in {@code tables})
 * @param partitionedIndexes indexes of partitioned tables (PostgreSQL cannot drop them CONCURRENTLY), keyed as tables
 */
public record Catalog(int serverVersion, Map<String, Table> tables, Map<String, Character> functionVolatility, Set<String> applied,
                      Set<String> partitionedIndexes) {
    public static final Catalog NONE = new Catalog(0, Map.of(), Map.of(), Set.of(), Set.of());

    /**
     * @param rows     the planner's estimate ({@code reltuples}; -1 when never analysed)
     * @param bytes    the table with its indexes and TOAST
     * @param columns  column name → type as {@code format_type} prints it ({@code character varying(20)})
     * @param notNull  columns that are NOT NULL (a validated constraint), or have a validated {@code CHECK (col IS NOT NULL)}
     * @param checked  columns that a CHECK constraint reads (a type change re-checks it with a full scan)
     */
    public record Table(String name, boolean partitioned, long rows, long bytes, Map<String, String> columns, Set<String> notNull,
                        Set<String> checked) {
    }

    public boolean present() {
        return this != NONE;
    }

    public Optional<Table> table(String key) {
        return Optional.ofNullable(tables.get(key));
    }

    /** The volatility PostgreSQL records for a function, if the database has one of that name. */
    public Optional<Character> volatility(String function) {
        return Optional.ofNullable(functionVolatility.get(function.toLowerCase(java.util.Locale.ROOT)));
    }

    /** PostgreSQL 18 accepts NOT VALID foreign keys on partitioned tables; unknown (no database) counts as older. */
    public boolean acceptsNotValidForeignKeyOnPartitioned() {
        return serverVersion >= 180000;
    }
}
