package dev.pgbackfill.worker.apply;

import java.util.List;

/**
 * @param updated    rows changed by the batch
 * @param locked     rows the batch selected and locked (the slice size for an optimistic batch) (0 = nothing left after the cursor that was not held by others)
 * @param lastKey    the highest key locked, the new cursor; null when nothing was locked
 * @param optimistic true when the plain bounded UPDATE did the slice, false when the SKIP LOCKED batch did
 */
public record BatchResult(long updated, long locked, List<String> lastKey, boolean optimistic) {
}
