package dev.pgbackfill.coordinator.control;

import dev.pgbackfill.coordinator.health.HealthGate;
import dev.pgbackfill.coordinator.health.HealthMonitor;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.JobStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Job progress (rows done / estimated, rows/s, stuck rows, running chunks, health-throttled) per job and the last
 * health signals as Micrometer gauges. The monitor refreshes them when it samples; nothing is read per scrape.
 */
public final class JobMetrics {
    private final JobStore jobs;
    private final HealthGate health;
    private final Map<Long, JobStatus> metered = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    public JobMetrics(JobStore jobs, HealthGate health) {
        this.jobs = jobs;
        this.health = health;
    }

    public void bind(MeterRegistry meterRegistry) {
        this.registry = meterRegistry;
        signal(meterRegistry, "pgbackfill.health.replica.lag.seconds", HealthMonitor.Signals::replicaLagSeconds);
        signal(meterRegistry, "pgbackfill.health.wal.retained.mb", HealthMonitor.Signals::walRetainedMb);
        signal(meterRegistry, "pgbackfill.health.lock.waiters", HealthMonitor.Signals::lockWaiters);
        signal(meterRegistry, "pgbackfill.health.active.connections", HealthMonitor.Signals::activeConnections);
    }

    private void signal(MeterRegistry r, String name, ToDoubleFunction<HealthMonitor.Signals> value) {
        Gauge.builder(name, health, h -> h.last() == null ? 0 : value.applyAsDouble(h.last())).register(r);
    }

    /** Reads the job's status into its gauges, registering them the first time. */
    public void refresh(long jobId) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        if (metered.put(jobId, jobs.status(jobId)) == null) {
            job(r, "pgbackfill.job.rows.done", jobId, JobStatus::rowsDone);
            job(r, "pgbackfill.job.rows.estimated", jobId, JobStatus::rowsEstimated);
            job(r, "pgbackfill.job.rows.per.second", jobId, JobStatus::rowsPerSecond);
            job(r, "pgbackfill.job.stuck.rows", jobId, JobStatus::stuckRows);
            job(r, "pgbackfill.job.chunks.running", jobId, JobStatus::chunksRunning);
            job(r, "pgbackfill.job.throttled", jobId, s -> s.throttleReason() == null ? 0 : 1);
        }
    }

    /** Refreshes every job metered so far, so finished jobs keep their final values. */
    public void refreshAll() {
        for (long jobId : metered.keySet()) {
            refresh(jobId);
        }
    }

    private void job(MeterRegistry r, String name, long jobId, ToDoubleFunction<JobStatus> value) {
        Gauge.builder(name, metered, m -> value.applyAsDouble(m.get(jobId))).tag("job", Long.toString(jobId)).register(r);
    }
}
