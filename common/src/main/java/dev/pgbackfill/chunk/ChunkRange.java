package dev.pgbackfill.chunk;

import java.util.List;

/** A key range {@code (lo, hi]}; a null bound is open (first chunk / last chunk). Keys as text, one per key column. */
public record ChunkRange(List<String> lo, List<String> hi) {
}
