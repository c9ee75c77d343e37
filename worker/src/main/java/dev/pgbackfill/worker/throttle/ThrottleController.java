package dev.pgbackfill.worker.throttle;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.throttle.Schedule;
import dev.pgbackfill.throttle.ThrottleSettings;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.JobStoppedException;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The worker's throttle. Settings live in PostgreSQL (changeable while a job runs, the same for every worker);
 * each worker reads them at most once a second. A job's rate (or
 * its schedule window's, when lower) and the global budget are each a {@link RateClock} in PostgreSQL that every
 * batch pays its rows into after it commits, so the achieved rate counts rows really changed and holds across
 * workers. The share of the chunks running at the moment only sizes throttled batches.
 */
public final class ThrottleController implements Throttle {
    static final int THROTTLED_MIN_BATCH = 100;
    private static final long REFRESH_NANOS = 1_000_000_000L;
    private static final Duration GATE_POLL = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<Long, JobView> views = new ConcurrentHashMap<>();
    /** The batch size each job last settled on here, so a new chunk starts where the previous one ended. */
    private final Map<Long, Integer> learnedSize = new ConcurrentHashMap<>();
    /** Chunk runs of each job in this worker, counted into the shares that size throttled batches. */
    private final Map<Long, AtomicInteger> localRuns = new ConcurrentHashMap<>();
    private final RateClock rateClock;

    public ThrottleController(DataSource dataSource, Clock clock, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.metrics = metrics;
        this.rateClock = new RateClock(dataSource);
    }

    @Override
    public ChunkThrottle forChunk(ChunkLease lease) {
        AtomicInteger runs = localRuns.computeIfAbsent(lease.jobId(), j -> new AtomicInteger());
        runs.incrementAndGet();
        return new PerChunk(lease.jobId(), runs);
    }

    JobView view(long jobId) throws SQLException {
        JobView v = views.get(jobId);
        if (v != null && System.nanoTime() - v.loadedAtNanos() < REFRESH_NANOS) {
            return v;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT j.state, j.throttle::text, j.health_reason,
                       (SELECT count(*) FROM pgbackfill.chunk c WHERE c.job_id = j.id AND c.state = 'RUNNING'),
                       g.rate,
                       CASE WHEN g.rate IS NULL THEN 0 ELSE (SELECT count(*) FROM pgbackfill.chunk c JOIN pgbackfill.job r ON r.id = c.job_id
                                                              WHERE c.state = 'RUNNING' AND r.state = 'RUNNING') END
                  FROM pgbackfill.job j
                  LEFT JOIN (SELECT (value #>> '{}')::float8 AS rate FROM pgbackfill.setting WHERE name = 'global_rate') g ON true
                 WHERE j.id = ?""")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new JobStoppedException(jobId, JobState.CANCELLED);
                }
                v = new JobView(JobState.valueOf(rs.getString(1)), Json.read(rs.getString(2), ThrottleSettings.class), rs.getString(3),
                        rs.getLong(4), rs.getObject(5) == null ? null : rs.getDouble(5), rs.getLong(6), System.nanoTime());
            }
        }
        if (v.state().isTerminal()) {
            // a finished job's state stays here only as long as its last chunk runs finish; forget the rest
            learnedSize.remove(jobId);
            localRuns.remove(jobId);
        }
        views.put(jobId, v);
        return v;
    }

    /**
     * This chunk's share of every rate that applies now; null when nothing limits it. The running chunks counted in
     * the view may be up to a second old; this worker's own runs are always counted, so that the shares of the runs
     * here never add up to more than a whole rate, even right after several chunks started at once.
     */
    static Double share(JobView v, Schedule.Decision window, int localRuns) {
        long mine = Math.max(1, Math.max(localRuns, v.runningChunks()));
        Double rate = lowerOf(v.settings().rate(), window);
        Double share = rate == null ? null : rate / mine;
        if (v.globalRate() != null) {
            share = min(share, v.globalRate() / Math.max(1, Math.max(localRuns, v.allRunningChunks())));
        }
        return share;
    }

    /** The job's own rate now: its --rate, or its schedule window's rate when lower; null when neither is set. */
    static Double jobRate(JobView v, Schedule.Decision window) {
        Double rate = lowerOf(v.settings().rate(), window);
        return rate == null || rate <= 0 ? null : rate;
    }

    /** A job's --rate, or its schedule window's rate when that is lower or the only one; null when neither is set. */
    private static Double lowerOf(Double rate, Schedule.Decision window) {
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

    private static Double min(Double a, double b) {
        return a == null ? b : Math.min(a, b);
    }

    private final class PerChunk implements ChunkThrottle {
        private final long jobId;
        private final AtomicInteger runs;
        private boolean first = true;

        PerChunk(long jobId, AtomicInteger runs) {
            this.jobId = jobId;
            this.runs = runs;
        }

        @Override
        public void close() {
            runs.decrementAndGet();
        }

        @Override
        public int beforeBatch(int size, Waiter waiter) throws Exception {
            while (true) {
                JobView v = view(jobId);
                if (v.state() != JobState.RUNNING) {
                    throw new JobStoppedException(jobId, v.state());
                }
                String wait = null;
                if (v.healthReason() != null) {
                    wait = "health";
                } else {
                    Schedule schedule = v.settings().parsedSchedule();
                    if (schedule != null && schedule.at(clock.instant()).paused()) {
                        wait = "schedule";
                    }
                }
                if (wait == null) {
                    ThrottleSettings s = v.settings();
                    if (first) {
                        size = learnedSize.getOrDefault(jobId, size);
                        first = false;
                    }
                    int bounded = Math.max(s.minBatchOrDefault(), Math.min(s.maxBatchOrDefault(), size));
                    Double share = share(v, schedule(v), runs.get());
                    return share == null ? bounded : throttledBatch(bounded, share);
                }
                metrics.counter("pgbackfill.throttle.waits", "job", Long.toString(jobId), "reason", wait).increment();
                waiter.sleep(GATE_POLL);
            }
        }

        @Override
        public int afterBatch(int size, long locked, long rows, long nanos, Waiter waiter) throws Exception {
            JobView v = view(jobId);
            ThrottleSettings s = v.settings();
            if (rows > 0) {
                // rows are paid after they are written, on clocks every worker shares (RateClock)
                long wait = 0;
                Double jobRate = jobRate(v, schedule(v));
                if (jobRate != null) {
                    wait = rateClock.pay("job:" + jobId, rows, jobRate);
                }
                if (v.globalRate() != null && v.globalRate() > 0) {
                    wait = Math.max(wait, rateClock.pay("global", rows, v.globalRate()));
                }
                if (wait > 0) {
                    metrics.counter("pgbackfill.throttle.waits", "job", Long.toString(jobId), "reason", "rate").increment();
                    waiter.sleep(Duration.ofNanos(wait));
                }
            }
            if (s.sleepRatioOrDefault() > 0) {
                waiter.sleep(Duration.ofNanos((long) (nanos * s.sleepRatioOrDefault())));
            }
            if (locked < size) {
                return size; // a short batch (end of range, rows held by others) says nothing about speed
            }
            double tookMs = Math.max(0.1, nanos / 1e6);
            // shrink fast (a too-big batch holds locks too long), grow gently (at most doubling per batch)
            double factor = Math.max(0.1, Math.min(2.0, s.batchTargetMsOrDefault() / tookMs));
            int next = (int) Math.max(s.minBatchOrDefault(), Math.min(s.maxBatchOrDefault(), Math.round(size * factor)));
            learnedSize.put(jobId, next);
            return next;
        }

        private Schedule.Decision schedule(JobView v) {
            Schedule schedule = v.settings().parsedSchedule();
            return schedule == null ? null : schedule.at(clock.instant());
        }
    }
}
