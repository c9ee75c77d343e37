package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.chunk.ChunkRange;
import java.util.List;

/**
 * A job's chunks, and how they were cut in words (for the job's events): where the cuts came from and what the
 * sample check found, e.g. "planned 33 chunk(s) at the statistics' quantiles; a 960-page sample found 1 chunk over
 * 1.5 chunk sizes (largest 9.0× the median) and cut it again".
 */
public record Plan(List<ChunkRange> chunks, String summary) {
    public Plan {
        chunks = List.copyOf(chunks);
    }
}
