package dev.pgbackfill.chunk;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.sql.QualifiedName;
import java.util.List;
import java.util.UUID;

/**
 * A worker's claim on one chunk. {@code token} is the fence: every checkpoint must present it, and a new claim
 * (after this lease expired) replaces it, so a stale worker's next commit fails. {@code skipped}: an earlier run of
 * this chunk passed rows over (SKIP LOCKED), so its range must be swept before it is done. {@code partition}: the leaf
 * partition the chunk walks (null: the job's table).
 */
public record ChunkLease(long jobId, int chunkNo, UUID token, @Nullable List<String> lo, @Nullable List<String> hi,
                         @Nullable List<String> cursor, boolean skipped, @Nullable QualifiedName partition) {
    /** The same lease after the coordinator split the chunk: its range now ends at {@code newHi}. */
    public ChunkLease withHi(@Nullable List<String> newHi) {
        return new ChunkLease(jobId, chunkNo, token, lo, newHi, cursor, skipped, partition);
    }

    public String describe() {
        return "job " + jobId + " chunk " + chunkNo;
    }
}
