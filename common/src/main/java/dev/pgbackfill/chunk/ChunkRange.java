package dev.pgbackfill.chunk;

import org.jspecify.annotations.Nullable;
import java.util.List;

/** A key range {@code (lo, hi]}; a null bound is open (first chunk / last chunk). Keys as text, one per key column. */
public record ChunkRange(@Nullable List<String> lo, @Nullable List<String> hi) {
}
