package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.chunk.ChunkRange;
import java.util.List;

/**
 * A job's chunks, and how they were cut in words (for the job's events): where the cuts came from and what the
 * sample check found, e.g. "planned 33 chunk(s) at the statistics' quantiles; a 1000-page sample found 1 chunk(s)
 * over 1.5 chunk sizes and cut them again (the largest held 9.0, as sampled)".
 */
public record Plan(List<ChunkRange> chunks, String summary) {
    public Plan {
        chunks = List.copyOf(chunks);
    }
}
