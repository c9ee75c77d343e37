package dev.pgbackfill.coordinator.monitor;

import dev.pgbackfill.coordinator.control.JobMetrics;
import dev.pgbackfill.coordinator.health.HealthGate;
import dev.pgbackfill.coordinator.health.HealthMonitor;
import dev.pgbackfill.coordinator.publish.Republisher;
import dev.pgbackfill.coordinator.split.TailSplitter;
import org.jspecify.annotations.Nullable;
import dev.pgbackfill.coordinator.verify.CompletionVerifier;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's runbook, one tick at a time: as the leader, fail jobs whose planning was abandoned; then for
 * every RUNNING job, judge its health, split a chunk when a worker thread would idle, publish the requests its
 * chunks need, sample its progress, and complete it
 * when its chunks are done and verified. A worker's "chunk done" notification brings the next tick forward.
 */
public final class Monitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Monitor.class);
    private static final Duration ABANDONED_PLANNING = Duration.ofMinutes(10);

    /** The parts a tick runs, in the order it runs them. */
    public record Parts(JobStore jobs, HealthGate health, Republisher republisher, ProgressSampler sampler,
                        CompletionVerifier verifier, JobMetrics metrics, @Nullable TailSplitter splitter) {
    }

    private final DataSource dataSource;
    private final Parts parts;
    private final Duration tick;
    private final Duration sampleEvery;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgbackfill-monitor");
        t.setDaemon(true);
        return t;
    });
    private final ChunkDoneListener chunkDone;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private long lastSampleNanos;
    /**
     * When this coordinator last held the leadership (0: never). Taking it after a minute or more without it is a job
     * event; two coordinators that take turns tick by tick record it once each, not at every tick.
     */
    private long lastLedNanos;

    public Monitor(DataSource dataSource, Parts parts, Duration tick, Duration sampleEvery) {
        this.dataSource = dataSource;
        this.parts = parts;
        this.tick = tick;
        this.sampleEvery = sampleEvery;
        this.chunkDone = new ChunkDoneListener(dataSource, this::wake);
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::tickSafely, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        chunkDone.start();
    }

    /** An extra tick soon, unless one is already waiting: chunks finishing together wake the monitor once. */
    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    wakePending.set(false);
                    tickSafely();
                });
            } catch (RejectedExecutionException e) {
                wakePending.set(false); // closing
            }
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (Throwable t) {
            log.warn("monitor tick failed (will retry): {}", t.toString());
        }
    }

    /** One round of the monitor over every RUNNING job, while holding the leadership. */
    void tick() throws SQLException {
        boolean sample = System.nanoTime() - lastSampleNanos >= sampleEvery.toNanos();
        try (Connection c = dataSource.getConnection()) {
            if (!Leadership.tryAcquire(c)) {
                return;
            }
            try {
                if (lastLedNanos == 0 || System.nanoTime() - lastLedNanos > TimeUnit.MINUTES.toNanos(1)) {
                    noteLeadership();
                }
                lastLedNanos = System.nanoTime();
                c.setAutoCommit(false);
                failAbandonedPlanning(c);
                monitorRunningJobs(c, sample);
                if (sample) {
                    parts.metrics().refreshAll(); // finished, paused or cancelled jobs keep their final values
                }
                c.commit();
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                Leadership.release(c);
            }
        }
        if (sample) {
            lastSampleNanos = System.nanoTime();
        }
    }

    /** A coordinator started, or took over from another: each running job's history says which one now watches it. */
    private void noteLeadership() {
        String me = "coordinator " + ProcessHandle.current().pid() + "@" + host();
        for (long jobId : parts.jobs().idsIn(JobState.RUNNING, JobState.PAUSED)) {
            parts.jobs().note(jobId, "coordinator", me, me + " runs the monitor (a coordinator started or took over)");
        }
        log.info("{} runs the monitor", me);
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }

    private void failAbandonedPlanning(Connection c) throws SQLException {
        for (long jobId : parts.jobs().idsPlanningLongerThan(c, ABANDONED_PLANNING)) {
            parts.jobs().transition(jobId, JobState.FAILED, "coordinator", "planning never finished (coordinator stopped?); launch again");
        }
        c.commit();
    }

    private void monitorRunningJobs(Connection c, boolean sample) throws SQLException {
        HealthMonitor.Signals signals = null;
        for (long jobId : parts.jobs().idsIn(JobState.RUNNING)) {
            try {
                signals = monitorJob(c, jobId, signals, sample);
            } catch (SQLException | RuntimeException e) {
                c.rollback(); // one job's trouble must not stop the others being monitored
                log.warn("monitoring job {} failed (will retry): {}", jobId, e.toString());
            }
        }
    }

    /** One job's share of a tick; returns the health signals, read at most once per tick. */
    private HealthMonitor.Signals monitorJob(Connection c, long jobId, HealthMonitor.Signals signals, boolean sample) throws SQLException {
        ThrottleSettings throttle = parts.jobs().throttle(jobId);
        if (throttle.hasHealthSignals()) {
            if (signals == null) {
                signals = parts.health().read(c);
                c.commit();
            }
            if (parts.health().pausedByHealth(c, jobId, throttle, signals)) {
                return signals;
            }
        }
        if (parts.splitter() != null) {
            splitIfIdle(c, jobId); // its new piece is published just below
        }
        parts.republisher().publishDue(jobId);
        if (sample) {
            parts.sampler().sample(c, jobId);
        }
        if (sample || !parts.metrics().tracks(jobId)) {
            parts.metrics().refresh(jobId); // a job gets its gauges at its first tick, however short it runs
        }
        parts.verifier().completeIfFinished(c, jobId);
        return signals;
    }

    /** Splitting is an optimisation: its trouble must not keep the job's chunks from being published or completed. */
    private void splitIfIdle(Connection c, long jobId) {
        try {
            parts.splitter().splitIfIdle(c, jobId);
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is the tick's; its next statement reports what is wrong with it
            }
            log.debug("job {}: no split this time: {}", jobId, e.toString());
        }
    }

    @Override
    public void close() {
        chunkDone.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
