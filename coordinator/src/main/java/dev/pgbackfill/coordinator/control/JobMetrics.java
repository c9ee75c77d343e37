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
        signal(meterRegistry, "pgbackfill.health.replica.lag.seconds", "replay lag of the slowest standby", HealthMonitor.Signals::replicaLagSeconds);
        signal(meterRegistry, "pgbackfill.health.wal.retained.mb", "WAL held by the most demanding replication slot",
                HealthMonitor.Signals::walRetainedMb);
        signal(meterRegistry, "pgbackfill.health.lock.waiters", "application sessions waiting on locks that pgbackfill holds",
                HealthMonitor.Signals::lockWaiters);
        signal(meterRegistry, "pgbackfill.health.active.connections", "active client sessions", HealthMonitor.Signals::activeConnections);
    }

    private void signal(MeterRegistry r, String name, String help, ToDoubleFunction<HealthMonitor.Signals> value) {
        Gauge.builder(name, health, h -> h.last() == null ? 0 : value.applyAsDouble(h.last())).description(help + " (read by the monitor)").register(r);
    }

    /** Reads the job's status into its gauges, registering them the first time. */
    public void refresh(long jobId) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        JobStatus status = jobs.status(jobId);
        if (metered.put(jobId, status) == null) {
            String table = status.table();
            job(r, "pgbackfill.job.rows.done", "rows the job has changed", jobId, table, JobStatus::rowsDone);
            job(r, "pgbackfill.job.rows.estimated", "rows the job is expected to change", jobId, table, JobStatus::rowsEstimated);
            job(r, "pgbackfill.job.rows.per.second", "rows changed per second over the last 30 s", jobId, table, JobStatus::rowsPerSecond);
            job(r, "pgbackfill.job.stuck.rows", "rows left locked by other sessions after every sweep", jobId, table, JobStatus::stuckRows);
            job(r, "pgbackfill.job.chunks.running", "chunks being worked now", jobId, table, JobStatus::chunksRunning);
            job(r, "pgbackfill.job.throttled", "1 while a throttle or health reason slows the job", jobId, table,
                    s -> s.throttleReason() == null ? 0 : 1);
            job(r, "pgbackfill.job.state", "0 planning, 1 running, 2 paused, 3 succeeded, 4 failed, 5 cancelled", jobId, table,
                    s -> s.state().ordinal());
        }
    }

    /** Whether the job has its gauges yet. */
    public boolean tracks(long jobId) {
        return registry == null || metered.containsKey(jobId);
    }

    /**
     * Refreshes every job metered so far that was not yet seen finished, so paused jobs follow and finished ones keep
     * their final values. A job seen SUCCEEDED, FAILED or CANCELLED is not read again (its status no longer changes;
     * a FAILED job that is resumed is RUNNING again and refreshed by the monitor's tick): a coordinator that ran
     * thousands of jobs does not re-read them all every few seconds.
     */
    public void refreshAll() {
        metered.forEach((jobId, last) -> {
            if (!last.state().isTerminal()) {
                refresh(jobId);
            }
        });
    }

    /** Tagged with the job and its table: one series per job, so cardinality grows with jobs, not with rows or chunks. */
    private void job(MeterRegistry r, String name, String help, long jobId, String table, ToDoubleFunction<JobStatus> value) {
        Gauge.builder(name, metered, m -> value.applyAsDouble(m.get(jobId))).description(help).tag("job", Long.toString(jobId)).tag("table", table)
                .register(r);
    }
}
