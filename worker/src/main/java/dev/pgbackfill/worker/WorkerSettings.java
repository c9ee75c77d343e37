package dev.pgbackfill.worker;

import dev.pgbackfill.db.DbConfig;
import java.time.Duration;

/**
 * @param threads       chunks this worker runs at once (one consumer, this many runner threads)
 * @param leaseDuration how long a claim lives without a checkpoint; a dead worker's chunk moves on after this
 * @param maxSweeps     re-sweeps of a chunk's range for rows others held locked, before they are reported stuck
 * @param sweepBackoff  first wait between sweeps; doubles each time, up to 5 s
 * @param lockTimeout   the session's lock_timeout, restored after an optimistic batch's shorter one
 */
public record WorkerSettings(int threads, Duration leaseDuration, int maxSweeps, Duration sweepBackoff, Duration lockTimeout) {
    public static WorkerSettings defaults(int threads) {
        return new WorkerSettings(threads, Duration.ofSeconds(30), 8, Duration.ofMillis(200), DbConfig.DEFAULT_LOCK_TIMEOUT);
    }

    public WorkerSettings withLease(Duration lease) {
        return new WorkerSettings(threads, lease, maxSweeps, sweepBackoff, lockTimeout);
    }

    public WorkerSettings withSweeps(int sweeps, Duration backoff) {
        return new WorkerSettings(threads, leaseDuration, sweeps, backoff, lockTimeout);
    }

    public WorkerSettings withLockTimeout(Duration timeout) {
        return new WorkerSettings(threads, leaseDuration, maxSweeps, sweepBackoff, timeout);
    }
}
