package dev.pgbackfill.coordinator.health;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the health verdict to a job: a throttle signal slows it (workers read the job's health reason), a
 * critical one pauses it with the reason shown. Keeps the last signals read, for the gauges.
 */
public final class HealthGate {
    private static final Logger log = LoggerFactory.getLogger(HealthGate.class);

    private final JobStore jobs;
    private final Probe probe;
    private final AtomicReference<HealthMonitor.Signals> last = new AtomicReference<>();

    public HealthGate(JobStore jobs, Probe probe) {
        this.jobs = jobs;
        this.probe = probe;
    }

    /** How custom probes run here (as which role). */
    public Probe probe() {
        return probe;
    }

    /** Reads the database's health signals (once per monitor tick for every job). */
    public HealthMonitor.Signals read(Connection c) throws SQLException {
        HealthMonitor.Signals signals = HealthMonitor.read(c);
        last.set(signals);
        return signals;
    }

    /** The signals of the last read, or null before the first. */
    public HealthMonitor.@Nullable Signals last() {
        return last.get();
    }

    /** Judges a job's health against its thresholds and records the verdict; true when a critical signal paused it. */
    public boolean pausedByHealth(Connection c, long jobId, ThrottleSettings throttle, HealthMonitor.Signals signals) {
        Double probed = null;
        if (throttle.probe() != null) {
            try {
                probed = probe.run(c, throttle.probe());
            } catch (InvalidInputException e) {
                jobs.setHealth(jobId, "throttled: " + e.getMessage());
                return false;
            }
        }
        HealthMonitor.Verdict verdict = HealthMonitor.judge(throttle, signals, probed);
        if (verdict.critical()) {
            jobs.setHealth(jobId, null);
            jobs.transition(jobId, JobState.PAUSED, "health", verdict.reason());
            log.warn("job {} paused automatically: {}", jobId, verdict.reason());
            return true;
        }
        if (jobs.setHealth(jobId, verdict.reason())) {
            log.info("job {}: {}", jobId, verdict.reason() == null ? "healthy again" : verdict.reason());
        }
        return false;
    }
}
