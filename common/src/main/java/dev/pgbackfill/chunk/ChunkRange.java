package dev.pgbackfill.chunk;

import dev.pgbackfill.sql.QualifiedName;
import org.jspecify.annotations.Nullable;
import java.util.List;

/**
 * A key range {@code (lo, hi]}; a null bound is open (first chunk / last chunk). Keys as text, one per key column.
 * {@code partition}: the leaf partition the range is walked in (a partitioned table is cut partition by partition);
 * null for the job's table itself.
 */
public record ChunkRange(@Nullable List<String> lo, @Nullable List<String> hi, @Nullable QualifiedName partition) {
    public ChunkRange(@Nullable List<String> lo, @Nullable List<String> hi) {
        this(lo, hi, null);
    }
}
