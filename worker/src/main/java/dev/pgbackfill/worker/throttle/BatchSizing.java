package dev.pgbackfill.worker.throttle;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.throttle.Schedule;
import dev.pgbackfill.throttle.ThrottleSettings;

/** Pure functions that size batches: the throttled share of a rate, and the adaptive size toward a target duration. */
final class BatchSizing {
    static final int THROTTLED_MIN_BATCH = 100;

    private BatchSizing() {
    }

    /**
     * This chunk's share of every rate that applies now; null when nothing limits it. The running chunks counted in
     * the view may be up to a second old; this worker's own runs are always counted, so that the shares of the runs
     * here never add up to more than a whole rate, even right after several chunks started at once.
     */
    static @Nullable Double share(JobView v, Schedule.@Nullable Decision window, int localRuns) {
        long mine = Math.max(1, Math.max(localRuns, v.runningChunks()));
        Double rate = lowerOf(v.settings().rate(), window);
        Double share = rate == null ? null : rate / mine;
        if (v.globalRate() != null) {
            share = min(share, v.globalRate() / Math.max(1, Math.max(localRuns, v.allRunningChunks())));
        }
        return share;
    }

    /** The job's own rate now: its --rate, or its schedule window's rate when lower; null when neither is set. */
    static @Nullable Double jobRate(JobView v, Schedule.@Nullable Decision window) {
        Double rate = lowerOf(v.settings().rate(), window);
        return rate == null || rate <= 0 ? null : rate;
    }

    /** A job's --rate, or its schedule window's rate when that is lower or the only one; null when neither is set. */
    private static @Nullable Double lowerOf(@Nullable Double rate, Schedule.@Nullable Decision window) {
        return window == null || window.rate() == null ? rate : min(rate, window.rate());
    }

    /**
     * The batch of a throttled chunk: a twentieth of a second's share, at least {@link #THROTTLED_MIN_BATCH} rows
     * (or a whole second's share when that is less), never more than the adaptive size. Each commit flushes the
     * WAL its batch wrote, and the application's commits queue behind that flush: many small flushes keep the
     * application's p99 lower than a few big ones at the same rate (docs/benchmarks.md, foreground impact). The
     * floor keeps very slow jobs from spending their budget on commits.
     */
    static int throttledBatch(int bounded, double share) {
        double rows = Math.max(share / 20, Math.min(share, THROTTLED_MIN_BATCH));
        return (int) Math.max(1, Math.min(bounded, Math.ceil(rows)));
    }

    /** A batch size within the job's --min-batch / --max-batch. */
    static int bounded(ThrottleSettings s, int size) {
        return Math.max(s.minBatchOrDefault(), Math.min(s.maxBatchOrDefault(), size));
    }

    /**
     * The next adaptive size after a full batch of {@code size} rows took {@code nanos}: toward the target batch
     * duration, shrinking fast (a too-big batch holds locks too long) and growing gently (at most doubling).
     */
    static int adapted(ThrottleSettings s, int size, long nanos) {
        double tookMs = Math.max(0.1, nanos / 1e6);
        double factor = Math.max(0.1, Math.min(2.0, s.batchTargetMsOrDefault() / tookMs));
        return bounded(s, (int) Math.round(size * factor));
    }

    private static Double min(@Nullable Double a, double b) {
        return a == null ? b : Math.min(a, b);
    }
}
