package dev.pgbackfill.spec;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL text of a job's statements, built only from a {@link ResolvedSpec}: identifiers come quoted from the
 * catalog, key values are bind parameters cast to the key's type, and the user's expressions are the only text
 * taken as typed (they were validated by EXPLAIN before the job was created).
 *
 * <p>A key range is {@code (lower, upper]}; either bound may be absent (first chunk, open-ended last chunk).
 */
public final class BatchSql {
    private static final String ALIAS = "pgbf_k";
    private final ResolvedSpec spec;
    private final String keyList;
    private final String keyOrder;

    public BatchSql(ResolvedSpec spec) {
        this.spec = spec;
        this.keyList = spec.keys().stream().map(k -> "t." + k.quoted()).collect(Collectors.joining(", "));
        this.keyOrder = keyList;
    }

    public ResolvedSpec spec() {
        return spec;
    }

    /**
     * One batch: lock the next {@code limit} matching rows after the cursor (skipping rows others hold), update
     * them, and return. The lock is FOR NO KEY UPDATE, the lock the UPDATE itself takes (keys never change): it
     * does not block foreign-key checks of referencing rows the way FOR UPDATE would. Returns {@code updated, locked, <last locked key as text…>} in one row. The last key is null when
     * nothing was locked. Parameters: lower key (if {@code lower}), upper key (if {@code upper}), limit.
     */
    public String batch(boolean lower, boolean upper) {
        String bCols = aliasedKeys();
        String first = "t." + spec.keys().get(0).quoted();
        // The batch's own key span bounds the join: without it the planner may walk the index from the table's
        // start to reach the batch (O(table) per batch near the end of a big table).
        String match = (spec.keys().size() == 1
                ? first + " = b." + ALIAS + "0"
                : "(" + keyList + ") = (" + aliases("b.") + ")")
                + " AND " + first + " >= (SELECT " + ALIAS + "0 FROM b ORDER BY 1 LIMIT 1)"
                + " AND " + first + " <= (SELECT " + ALIAS + "0 FROM b ORDER BY 1 DESC LIMIT 1)"; // min()/max() do not exist for uuid
        String sets = spec.assignments().stream()
                .map(a -> a.quoted() + " = (" + a.expression() + ")")
                .collect(Collectors.joining(", "));
        String lastKey = IntStream.range(0, spec.keys().size())
                .mapToObj(i -> "b." + ALIAS + i + "::text")
                .collect(Collectors.joining(", "));
        String lastOrder = IntStream.range(0, spec.keys().size())
                .mapToObj(i -> "b." + ALIAS + i + " DESC")
                .collect(Collectors.joining(", "));
        return "WITH b AS (SELECT " + bCols + " FROM " + fromClause() + " WHERE " + rowFilter(lower, upper)
                + " ORDER BY " + keyOrder + " LIMIT ? FOR NO KEY UPDATE OF t SKIP LOCKED), "
                + "u AS (UPDATE " + spec.table().sql() + " t SET " + sets + " FROM b"
                + (spec.hasJoin() ? ", " + spec.from() : "") + " WHERE " + match
                + (spec.hasJoin() ? " AND (" + spec.join() + ")" : "") + " RETURNING 1) "
                + "SELECT (SELECT count(*) FROM u) AS updated, (SELECT count(*) FROM b) AS locked, l.* "
                + "FROM (SELECT 1) one LEFT JOIN (SELECT " + lastKey + " FROM b ORDER BY " + lastOrder + " LIMIT 1) l ON true";
    }

    /**
     * Read-only: the key {@code offset} rows after the lower bound within the range (an index-only probe), i.e. the
     * end of the next slice of that many keys; no row when fewer keys remain. Parameters as in {@link #batch}, then
     * the offset.
     */
    public String sliceEnd(boolean lower, boolean upper) {
        String cols = spec.keys().stream().map(k -> "t." + k.quoted() + "::text").collect(Collectors.joining(", "));
        return "SELECT " + cols + " FROM " + spec.table().sql() + " t WHERE " + keyRange(lower, upper)
                + " ORDER BY " + keyOrder + " OFFSET ? LIMIT 1";
    }

    /**
     * The optimistic batch: a plain UPDATE of every matching row in {@code (lower, upper]}, waiting (briefly) for
     * row locks instead of skipping them, so no row of the slice is passed over. Parameters: lower key (if
     * {@code lower}), upper key (if {@code upper}).
     */
    public String rangeUpdate(boolean lower, boolean upper) {
        String sets = spec.assignments().stream()
                .map(a -> a.quoted() + " = (" + a.expression() + ")")
                .collect(Collectors.joining(", "));
        return "UPDATE " + spec.table().sql() + " t SET " + sets + (spec.hasJoin() ? " FROM " + spec.from() : "")
                + " WHERE " + rowFilter(lower, upper);
    }

    /**
     * Read-only: keys of rows in the range that still match the predicate, without taking locks (a plain SELECT
     * never waits for row locks). Parameters as in {@link #batch}, then a limit.
     */
    public String remaining(boolean lower, boolean upper) {
        String cols = spec.keys().stream().map(k -> "t." + k.quoted() + "::text").collect(Collectors.joining(", "));
        return "SELECT " + cols + " FROM " + fromClause() + " WHERE " + rowFilter(lower, upper)
                + " ORDER BY " + keyOrder + " LIMIT ?";
    }

    /** Read-only: one row when the row with this key (parameters: its key) still matches the predicate. */
    public String stillMatches() {
        return "SELECT 1 FROM " + fromClause() + " WHERE " + keyTuple() + " = " + paramTuple() + (spec.hasJoin() ? " AND (" + spec.join() + ")" : "")
                + " AND (" + spec.predicate() + ") LIMIT 1";
    }

    /**
     * Read-only: whether any row on a range of the table's pages still matches the predicate, as a TID range scan
     * (PostgreSQL 14+): a sequential read of those pages, no index, whatever the key. Parameters: the first page's
     * tid, then (when {@code upper}) the tid that ends the range.
     */
    public String remainingInPages(boolean upper) {
        return "SELECT 1 FROM " + fromClause() + " WHERE t.ctid >= CAST(? AS tid)" + (upper ? " AND t.ctid < CAST(? AS tid)" : "")
                + " AND " + rowFilter(false, false) + " LIMIT 1";
    }

    /** Read-only: the table's size in pages now, for {@link #remainingInPages}. */
    public String pages() {
        return "SELECT pg_relation_size(CAST(? AS regclass)) / current_setting('block_size')::bigint";
    }

    /**
     * Read-only: the planner's estimate of the rows in a key range, as {@code EXPLAIN (FORMAT JSON)} (no row is
     * read): how much is left of a running chunk, when the coordinator considers splitting it. Parameters as in
     * {@link #batch}, without the limit.
     */
    public String estimateRange(boolean lower, boolean upper) {
        return "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + spec.table().sql() + " t WHERE " + keyRange(lower, upper);
    }

    /** Read-only: whether the first key (parameters) sorts before the second, compared as the key's types. */
    public String keyBefore() {
        return "SELECT " + paramTuple() + " < " + paramTuple();
    }

    /**
     * Read-only: the last whole key whose leading column is at or before a value (parameter: that value), an index
     * probe: how the planner turns a cut of a composite key's leading column into a chunk bound, so that the chunk
     * {@code (…, that key]} holds every row whose leading column is at or before the value, as the planner counted it.
     */
    public String lastKeyUpTo() {
        String cols = spec.keys().stream().map(k -> "t." + k.quoted() + "::text").collect(Collectors.joining(", "));
        String descending = spec.keys().stream().map(k -> "t." + k.quoted() + " DESC").collect(Collectors.joining(", "));
        KeyColumn lead = spec.keys().get(0);
        return "SELECT " + cols + " FROM " + spec.table().sql() + " t WHERE t." + lead.quoted() + " <= CAST(? AS " + lead.type() + ")"
                + " ORDER BY " + descending + " LIMIT 1";
    }

    /** Read-only: min and max key (integer single-column keys), for the planner. */
    public String minMax() {
        String k = "t." + spec.keys().get(0).quoted();
        return "SELECT min(" + k + ")::text, max(" + k + ")::text FROM " + spec.table().sql() + " t";
    }

    /**
     * Binds a range's bounds in the order the statements above expect them (lower, then upper; a null bound is
     * absent from the SQL and binds nothing); returns the next free parameter index.
     */
    public static int bindRange(PreparedStatement ps, List<String> lower, List<String> upper) throws SQLException {
        int i = 1;
        if (lower != null) {
            i = bindKey(ps, i, lower);
        }
        if (upper != null) {
            i = bindKey(ps, i, upper);
        }
        return i;
    }

    /** Binds a key's text values from {@code index} on; returns the next free index. */
    public static int bindKey(PreparedStatement ps, int index, List<String> key) throws SQLException {
        for (String v : key) {
            ps.setString(index++, v);
        }
        return index;
    }

    private String fromClause() {
        return spec.table().sql() + " t" + (spec.hasJoin() ? ", " + spec.from() : "");
    }

    private String keyRange(boolean lower, boolean upper) {
        StringBuilder w = new StringBuilder("true");
        if (lower) {
            w.append(" AND ").append(keyTuple()).append(" > ").append(paramTuple());
        }
        if (upper) {
            w.append(" AND ").append(keyTuple()).append(" <= ").append(paramTuple());
        }
        return w.toString();
    }

    private String rowFilter(boolean lower, boolean upper) {
        StringBuilder w = new StringBuilder(keyRange(lower, upper));
        if (spec.hasJoin()) {
            w.append(" AND (").append(spec.join()).append(")");
        }
        w.append(" AND (").append(spec.predicate()).append(")");
        return w.toString();
    }

    private String keyTuple() {
        return spec.keys().size() == 1 ? keyList : "(" + keyList + ")";
    }

    private String paramTuple() {
        String p = spec.keys().stream().map(k -> "CAST(? AS " + k.type() + ")").collect(Collectors.joining(", "));
        return spec.keys().size() == 1 ? p : "(" + p + ")";
    }

    private String aliasedKeys() {
        return IntStream.range(0, spec.keys().size())
                .mapToObj(i -> "t." + spec.keys().get(i).quoted() + " AS " + ALIAS + i)
                .collect(Collectors.joining(", "));
    }

    private String aliases(String prefix) {
        return IntStream.range(0, spec.keys().size()).mapToObj(i -> prefix + ALIAS + i).collect(Collectors.joining(", "));
    }
}
