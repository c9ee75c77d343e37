package dev.pgbackfill.throttle;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.error.InvalidInputException;

/**
 * How fast a job may go, changeable while it runs. Null fields mean "not set" (defaults apply, see the getters).
 *
 * @param rate              max rows per second for the whole job, shared by all its running chunks
 * @param schedule          time windows with their own rate or pause ({@link Schedule})
 * @param batchTargetMs     adaptive batch size aims at batches of this duration (default 250 ms)
 * @param minBatch          lower bound of the adaptive batch size (default 10)
 * @param maxBatch          upper bound of the adaptive batch size (default 20 000)
 * @param sleepRatio        after a batch that took d, wait d × ratio (gh-ost's nice-ratio); default 0
 * @param replicaLagSeconds replication replay lag of any standby ({@code pg_stat_replication})
 * @param walRetainedMb     WAL retained by the most demanding replication slot
 * @param lockWaiters       sessions waiting for locks held by pgbackfill sessions
 * @param activeConnections sessions in state active
 * @param probe             a SQL query returning one number or boolean (true = 1), compared with probeThreshold
 * @param probeThreshold    thresholds for the probe (default throttle at 1)
 */
public record ThrottleSettings(@Nullable Double rate, @Nullable String schedule, @Nullable Integer batchTargetMs, @Nullable Integer minBatch,
                               @Nullable Integer maxBatch, @Nullable Double sleepRatio, @Nullable Threshold replicaLagSeconds,
                               @Nullable Threshold walRetainedMb, @Nullable Threshold lockWaiters, @Nullable Threshold activeConnections,
                               @Nullable String probe, @Nullable Threshold probeThreshold) {
    public static final ThrottleSettings NONE = new ThrottleSettings(null, null, null, null, null, null, null, null, null, null, null, null);
    public static final int DEFAULT_BATCH_TARGET_MS = 250;
    public static final int DEFAULT_MIN_BATCH = 10;
    public static final int DEFAULT_MAX_BATCH = 20_000;

    public int batchTargetMsOrDefault() {
        return batchTargetMs == null ? DEFAULT_BATCH_TARGET_MS : batchTargetMs;
    }

    public int minBatchOrDefault() {
        return minBatch == null ? DEFAULT_MIN_BATCH : minBatch;
    }

    public int maxBatchOrDefault() {
        return maxBatch == null ? DEFAULT_MAX_BATCH : maxBatch;
    }

    public double sleepRatioOrDefault() {
        return sleepRatio == null ? 0 : sleepRatio;
    }

    public Threshold probeThresholdOrDefault() {
        return probeThreshold == null ? new Threshold(1.0, null) : probeThreshold;
    }

    public Schedule parsedSchedule() {
        return schedule == null ? null : Schedule.parse(schedule);
    }

    public boolean hasHealthSignals() {
        return replicaLagSeconds != null || walRetainedMb != null || lockWaiters != null || activeConnections != null || probe != null;
    }

    /** Checks bounds and the schedule; returns this. */
    public ThrottleSettings validated() {
        if (rate != null && (!(rate > 0) || rate.isInfinite())) {
            throw new InvalidInputException("rate", "--rate must be a positive number of rows per second, got " + rate + " (use pause to stop a job)");
        }
        if (batchTargetMs != null && (batchTargetMs < 10 || batchTargetMs > 60_000)) {
            throw new InvalidInputException("batchTargetMs", "--batch-target-ms must be between 10 and 60000, got " + batchTargetMs);
        }
        if (minBatch != null && (minBatch < 1 || minBatch > 100_000)) {
            throw new InvalidInputException("minBatch", "--min-batch must be between 1 and 100000, got " + minBatch);
        }
        if (maxBatch != null && (maxBatch < 1 || maxBatch > 100_000)) {
            throw new InvalidInputException("maxBatch", "--max-batch must be between 1 and 100000, got " + maxBatch);
        }
        if (minBatchOrDefault() > maxBatchOrDefault()) {
            throw new InvalidInputException("minBatch", "--min-batch " + minBatchOrDefault() + " is above --max-batch " + maxBatchOrDefault());
        }
        if (sleepRatio != null && (!(sleepRatio >= 0) || sleepRatio > 100)) {
            throw new InvalidInputException("sleepRatio", "--sleep-ratio must be between 0 and 100, got " + sleepRatio);
        }
        if (probe != null && probe.isBlank()) {
            throw new InvalidInputException("probe", "--probe is empty");
        }
        if (probe != null) {
            ProbeQuery.check(probe);
        }
        parsedSchedule();
        for (var t : new Object[][] {{replicaLagSeconds, "replicaLagSeconds"}, {walRetainedMb, "walRetainedMb"}, {lockWaiters, "lockWaiters"},
                {activeConnections, "activeConnections"}, {probeThreshold, "probeThreshold"}}) {
            if (t[0] != null) {
                ((Threshold) t[0]).validated((String) t[1]);
            }
        }
        return this;
    }

    /** These settings with every field that {@code change} sets replaced. */
    public ThrottleSettings merge(ThrottleSettings change) {
        if (change == null) {
            return this;
        }
        return new ThrottleSettings(or(change.rate, rate), or(change.schedule, schedule), or(change.batchTargetMs, batchTargetMs),
                or(change.minBatch, minBatch), or(change.maxBatch, maxBatch), or(change.sleepRatio, sleepRatio),
                or(change.replicaLagSeconds, replicaLagSeconds), or(change.walRetainedMb, walRetainedMb), or(change.lockWaiters, lockWaiters),
                or(change.activeConnections, activeConnections), or(change.probe, probe), or(change.probeThreshold, probeThreshold));
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }
}
