package dev.pgbackfill.spec;

import dev.pgbackfill.sql.QualifiedName;
import java.util.List;

/**
 * A spec checked against the catalog: the exact table, its key, typed assignments and the predicate that selects
 * rows still to do. Workers build their statements from this alone, so it is stored with the job.
 *
 * @param predicate        the SQL predicate rows must match to be updated (derived, the user's, or both)
 * @param derivedPredicate true when the predicate includes {@code IS DISTINCT FROM} terms, which make every
 *                         batch idempotent and the final sweep safe
 * @param disableTriggers  every batch runs with {@code session_replication_role = replica}: only the table's
 *                         ALWAYS and REPLICA triggers fire
 */
public record ResolvedSpec(QualifiedName table, List<KeyColumn> keys, List<ResolvedAssignment> assignments,
                           String from, String join, String predicate, boolean derivedPredicate, int batchSize,
                           long chunkSize, boolean disableTriggers) {
    public ResolvedSpec {
        keys = List.copyOf(keys);
        assignments = List.copyOf(assignments);
    }

    public ResolvedSpec(QualifiedName table, List<KeyColumn> keys, List<ResolvedAssignment> assignments, String from, String join,
                        String predicate, boolean derivedPredicate, int batchSize, long chunkSize) {
        this(table, keys, assignments, from, join, predicate, derivedPredicate, batchSize, chunkSize, false);
    }

    /** The same spec on one leaf partition of the table: a chunk of a partitioned table walks one partition. */
    public ResolvedSpec onPartition(QualifiedName partition) {
        return new ResolvedSpec(partition, keys, assignments, from, join, predicate, derivedPredicate, batchSize, chunkSize, disableTriggers);
    }

    public boolean hasJoin() {
        return from != null;
    }
}
