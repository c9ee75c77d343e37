package dev.pgbackfill.worker;

import dev.pgbackfill.worker.apply.BatchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Micrometer metrics of a worker, tagged with the job id: rows, batch duration and size, retries, timeouts, stuck rows. */
public final class WorkerMetrics {
    private final MeterRegistry registry;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        retries(); // present at zero from the start, so dashboards and alerts see the series before the first retry
    }

    private Counter retries() {
        return Counter.builder("pgbackfill.batch.retries").description("batches retried after a transient error (serialization, deadlock, connection)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void record(long jobId, BatchResult result, int size, long nanos) {
        String job = Long.toString(jobId);
        Counter.builder("pgbackfill.rows.applied").description("rows changed by committed batches").tag("job", job).register(registry)
                .increment(result.updated());
        Timer.builder("pgbackfill.batch.duration").description("time of one batch transaction").tag("job", job)
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
        DistributionSummary.builder("pgbackfill.batch.size").description("rows asked for per batch").tag("job", job).register(registry)
                .record(size);
    }

    public void retry() {
        retries().increment();
    }

    public void timeout(long jobId) {
        Counter.builder("pgbackfill.batch.timeouts").description("batches that hit lock_timeout or statement_timeout and were retried smaller")
                .tag("job", Long.toString(jobId)).register(registry).increment();
    }

    public void stuck(long jobId, long rows) {
        Counter.builder("pgbackfill.rows.stuck").description("rows that stayed locked by other sessions through every sweep")
                .tag("job", Long.toString(jobId)).register(registry).increment(rows);
    }
}
