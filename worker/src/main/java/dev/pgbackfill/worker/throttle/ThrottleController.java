package dev.pgbackfill.worker.throttle;

import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.JobStoppedException;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.throttle.Schedule;
import dev.pgbackfill.throttle.ThrottleReason;
import dev.pgbackfill.throttle.ThrottleSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The worker's throttle, from four parts: {@link JobViews} (settings from PostgreSQL, the same for every worker,
 * read at most once a second), {@link BatchGate} (wait while health or a schedule holds the job), the
 * {@link RateClock} (a job's rate, or its schedule window's when lower, and the global budget: clocks in
 * PostgreSQL that every batch pays its rows into after it commits, so the rate holds across workers) and
 * {@link BatchSizing} (throttled shares and the adaptive size).
 */
public final class ThrottleController implements Throttle {
    private static final Duration GATE_POLL = Duration.ofMillis(250);

    private final Clock clock;
    private final MeterRegistry metrics;
    private final JobViews views;
    private final RateClock rateClock;
    /** The batch size each job last settled on here, so a new chunk starts where the previous one ended. */
    private final Map<Long, Integer> learnedSize = new ConcurrentHashMap<>();
    /** Chunk runs of each job in this worker, counted into the shares that size throttled batches. */
    private final Map<Long, AtomicInteger> localRuns = new ConcurrentHashMap<>();

    public ThrottleController(DataSource dataSource, Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.metrics = metrics;
        this.rateClock = new RateClock(dataSource);
        // a finished job's state stays here only as long as its last chunk runs finish; forget the rest
        this.views = new JobViews(dataSource, jobId -> {
            learnedSize.remove(jobId);
            localRuns.remove(jobId);
        });
    }

    @Override
    public ChunkThrottle forChunk(ChunkLease lease) {
        AtomicInteger runs = localRuns.computeIfAbsent(lease.jobId(), j -> new AtomicInteger());
        runs.incrementAndGet();
        return new PerChunk(lease.jobId(), runs);
    }

    private void countWait(long jobId, ThrottleReason.Kind kind) {
        io.micrometer.core.instrument.Counter.builder("pgbackfill.throttle.waits")
                .description("times a batch waited for the throttle, by reason: rate, schedule or health")
                .tag("job", Long.toString(jobId)).tag("reason", kind.tag()).register(metrics).increment();
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
                JobView v = views.get(jobId);
                if (v.state() != JobState.RUNNING) {
                    throw new JobStoppedException(jobId, v.state());
                }
                ThrottleReason wait = BatchGate.shouldWait(v, clock.instant());
                if (wait == null) {
                    if (first) {
                        size = learnedSize.getOrDefault(jobId, size);
                        first = false;
                    }
                    int bounded = BatchSizing.bounded(v.settings(), size);
                    Double share = BatchSizing.share(v, window(v), runs.get());
                    return share == null ? bounded : BatchSizing.throttledBatch(bounded, share);
                }
                countWait(jobId, wait.kind());
                waiter.sleep(GATE_POLL);
            }
        }

        @Override
        public int afterBatch(int size, long locked, long rows, long nanos, Waiter waiter) throws Exception {
            JobView v = views.get(jobId);
            ThrottleSettings s = v.settings();
            if (rows > 0) {
                payForRows(v, rows, waiter);
            }
            if (s.sleepRatioOrDefault() > 0) {
                waiter.sleep(Duration.ofNanos((long) (nanos * s.sleepRatioOrDefault())));
            }
            if (locked < size) {
                return size; // a short batch (end of range, rows held by others) says nothing about speed
            }
            int next = BatchSizing.adapted(s, size, nanos);
            learnedSize.put(jobId, next);
            return next;
        }

        /** Rows are paid after they are written, on clocks every worker shares; waits for the later of the two. */
        private void payForRows(JobView v, long rows, Waiter waiter) throws Exception {
            long wait = 0;
            Double jobRate = BatchSizing.jobRate(v, window(v));
            if (jobRate != null) {
                wait = rateClock.pay("job:" + jobId, rows, jobRate);
            }
            if (v.globalRate() != null && v.globalRate() > 0) {
                wait = Math.max(wait, rateClock.pay("global", rows, v.globalRate()));
            }
            if (wait > 0) {
                countWait(jobId, ThrottleReason.Kind.RATE);
                waiter.sleep(Duration.ofNanos(wait));
            }
        }

        private Schedule.Decision window(JobView v) {
            Schedule schedule = v.settings().parsedSchedule();
            return schedule == null ? null : schedule.at(clock.instant());
        }
    }
}
