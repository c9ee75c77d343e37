package dev.pgbackfill.chunk;

/**
 * The coordinator split the chunk while this worker ran it: its upper bound is now {@code lease().hi()}. The batch
 * that found out was rolled back (it may have gone past the new bound); the worker carries on with the new lease,
 * and the piece beyond the bound is another chunk's.
 */
public class BoundChangedException extends RuntimeException {
    private final transient ChunkLease lease;

    public BoundChangedException(ChunkLease lease) {
        super(lease.describe() + " was split: its range now ends at " + lease.hi(), null, false, false);
        this.lease = lease;
    }

    public ChunkLease lease() {
        return lease;
    }
}
