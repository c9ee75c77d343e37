package dev.pgbackfill.chunk;

/** The chunk was claimed by another worker after this one's lease expired: this worker must drop it. */
public class LeaseLostException extends RuntimeException {
    public LeaseLostException(ChunkLease lease) {
        super("lease on " + lease.describe() + " was lost (another worker claimed the chunk); dropping it");
    }
}
