package dev.pgbackfill.worker.throttle;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.throttle.Schedule;
import dev.pgbackfill.throttle.ThrottleSettings;
import dev.pgbackfill.worker.lease.ChunkLease;
import dev.pgbackfill.worker.lease.JobStoppedException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The worker's throttle. Settings live in PostgreSQL (changeable while a job runs, the same for every worker);
 * each worker reads them at most once a second. A job's rate, a schedule window's rate and the global budget
 * are shared equally among the chunks being worked at that moment, and each chunk run paces itself with a
 * Resilience4j {@link RateLimiter} for its share (re-sized with {@code changeLimitForPeriod} as chunks start and end).
 * Rows are paid for after each batch, so the achieved rate counts rows really changed.
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
    /**
     * One rate limiter per job in this worker, shared by its chunk runs (a limiter per run would give every new chunk
     * a free first batch: rows are paid after they are written). It is sized to this worker's share: the job's
     * per-chunk share times the chunks of the job running here.
     */
    private final Map<Long, JobLimiter> limiters = new ConcurrentHashMap<>();

    private static final class JobLimiter {
        final java.util.concurrent.atomic.AtomicInteger localRuns = new java.util.concurrent.atomic.AtomicInteger();
        RateLimiter limiter;
        boolean slowPeriod;

        /** Permits per 100 ms period (1 s below 100 rows/s, so a period holds at least one permit). */
        synchronized RateLimiter sized(long jobId, double rate) {
            boolean slow = rate < 100;
            Duration period = slow ? Duration.ofSeconds(1) : Duration.ofMillis(100);
            int perPeriod = (int) Math.max(1, Math.round(slow ? rate : rate / 10));
            if (limiter == null || slow != slowPeriod) {
                limiter = RateLimiter.of("job-" + jobId, RateLimiterConfig.custom()
                        .limitRefreshPeriod(period).limitForPeriod(perPeriod).timeoutDuration(Duration.ofDays(1)).build());
                slowPeriod = slow;
            } else if (limiter.getRateLimiterConfig().getLimitForPeriod() != perPeriod) {
                limiter.changeLimitForPeriod(perPeriod);
            }
            return limiter;
        }
    }

    public ThrottleController(DataSource dataSource, Clock clock, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public ChunkThrottle forChunk(ChunkLease lease) {
        JobLimiter limiter = limiters.computeIfAbsent(lease.jobId(), j -> new JobLimiter());
        limiter.localRuns.incrementAndGet();
        views.remove(lease.jobId()); // a chunk started: shares change now, not at the next refresh
        return new PerChunk(lease.jobId(), limiter);
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
            limiters.remove(jobId);
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
        Double share = null;
        if (v.settings().rate() != null) {
            share = v.settings().rate() / mine;
        }
        if (window != null && window.rate() != null) {
            share = min(share, window.rate() / mine);
        }
        if (v.globalRate() != null) {
            share = min(share, v.globalRate() / Math.max(1, Math.max(localRuns, v.allRunningChunks())));
        }
        return share;
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
        private final JobLimiter jobLimiter;
        private boolean first = true;

        PerChunk(long jobId, JobLimiter jobLimiter) {
            this.jobId = jobId;
            this.jobLimiter = jobLimiter;
        }

        @Override
        public void close() {
            jobLimiter.localRuns.decrementAndGet();
            views.remove(jobId);
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
                    Double share = share(v, schedule(v), jobLimiter.localRuns.get());
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
            Double share = share(v, schedule(v), jobLimiter.localRuns.get());
            if (share != null && rows > 0) {
                RateLimiter limiter = jobLimiter.sized(jobId, share * Math.max(1, jobLimiter.localRuns.get()));
                long wait = limiter.reservePermission((int) Math.min(Integer.MAX_VALUE, rows));
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
