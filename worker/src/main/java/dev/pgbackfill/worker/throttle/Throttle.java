package dev.pgbackfill.worker.throttle;

import dev.pgbackfill.chunk.ChunkLease;
import java.time.Duration;

/** Decides when a chunk's next batch may run and how big it is. */
public interface Throttle {
    /** No limits, fixed batch size: for tests of the data path alone. */
    Throttle NONE = lease -> new ChunkThrottle() {
        @Override
        public int beforeBatch(int size, Waiter waiter) {
            return size;
        }

        @Override
        public int afterBatch(int size, long locked, long rows, long nanos, Waiter waiter) {
            return size;
        }
    };

    ChunkThrottle forChunk(ChunkLease lease);

    /** Waits on behalf of a chunk runner: renews the lease and stops early when the worker stops. */
    interface Waiter {
        void sleep(Duration duration) throws Exception;
    }

    /** The throttle of one chunk run. */
    interface ChunkThrottle {
        /** Blocks while the job may not run a batch (health, schedule); returns the size of the next batch. */
        int beforeBatch(int size, Waiter waiter) throws Exception;

        /** After a committed batch: waits for the rate and sleep ratio; returns the next batch size. */
        int afterBatch(int size, long locked, long rows, long nanos, Waiter waiter) throws Exception;

        /** The chunk run ended. */
        default void close() {
        }
    }
}
