package dev.pgbackfill.coordinator.control;

import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.coordinator.health.HealthGate;
import dev.pgbackfill.coordinator.health.Probe;
import dev.pgbackfill.coordinator.split.TailSplitter;
import dev.pgbackfill.coordinator.monitor.Monitor;
import dev.pgbackfill.coordinator.monitor.ProgressSampler;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.coordinator.publish.Republisher;
import dev.pgbackfill.coordinator.verify.CompletionVerifier;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The coordinator service: the {@link JobLifecycle} that operators drive, and the {@link Monitor} that keeps jobs
 * moving (republishes chunks whose lease expired, samples progress, verifies and completes finished jobs). This
 * class only wires them; all their state is in PostgreSQL, so a restarted coordinator simply carries on with the
 * RUNNING jobs it finds.
 */
public final class Coordinator implements AutoCloseable {
    private final JobLifecycle lifecycle;
    private final JobMetrics metrics;
    private final Monitor monitor;

    public Coordinator(DataSource dataSource, ChunkPublisher publisher, CoordinatorSettings settings) {
        JobStore jobs = new JobStore(dataSource);
        ChunkStore chunks = new ChunkStore();
        HealthGate health = new HealthGate(jobs, new Probe(settings.probeRole()));
        Republisher republisher = new Republisher(dataSource, chunks, publisher, settings.republishPending());
        ProgressSampler sampler = new ProgressSampler();
        this.metrics = new JobMetrics(jobs, health);
        this.lifecycle = new JobLifecycle(dataSource, jobs, chunks, republisher, health);
        CompletionVerifier verifier = new CompletionVerifier(jobs, chunks, republisher, sampler, settings.maxVerifyRounds());
        TailSplitter splitter = settings.splitChunks() ? new TailSplitter(jobs, chunks) : null;
        this.monitor = new Monitor(dataSource, new Monitor.Parts(jobs, health, republisher, sampler, verifier, metrics, splitter),
                settings.tick(), settings.sampleEvery());
    }

    /** What the API, the CLI, the migrations engine and Java programs call. */
    public JobLifecycle lifecycle() {
        return lifecycle;
    }

    public JobStore jobs() {
        return lifecycle.jobs();
    }

    /** Exposes job progress and the last health signals as gauges in {@code registry}, refreshed by the monitor. */
    public void bindMetrics(MeterRegistry registry) {
        metrics.bind(registry);
    }

    public void start() {
        monitor.start();
    }

    // The lifecycle's operations, for callers that hold the service (see JobLifecycle for their contracts).

    public ResolvedSpec validate(BackfillSpec spec) {
        return lifecycle.validate(spec);
    }

    public long launch(BackfillSpec spec, String actor) {
        return lifecycle.launch(spec, actor);
    }

    public boolean pause(long jobId, String actor, String reason) {
        return lifecycle.pause(jobId, actor, reason);
    }

    public boolean resume(long jobId, String actor, String reason) {
        return lifecycle.resume(jobId, actor, reason);
    }

    public boolean cancel(long jobId, String actor, String reason) {
        return lifecycle.cancel(jobId, actor, reason);
    }

    public ThrottleSettings throttle(long jobId, ThrottleSettings change, boolean clear, String actor) {
        return lifecycle.throttle(jobId, change, clear, actor);
    }

    /** The jobs the control schema holds, newest first. */
    public java.util.List<JobStatus> list() {
        return jobs().list();
    }

    /**
     * This coordinator as the operator's interface that callers program against ({@code BackfillStep}, the Spring
     * Boot starter's client bean), so that code works the same with a coordinator elsewhere ({@code BackfillOperations.over}).
     */
    public dev.pgbackfill.client.BackfillOperations operations() {
        return new CoordinatorOperations(this);
    }

    public JobStatus status(long jobId) {
        return lifecycle.status(jobId);
    }

    public JobStatus awaitFinished(long jobId, Duration timeout, Consumer<JobStatus> progress) throws InterruptedException {
        return lifecycle.awaitFinished(jobId, timeout, progress);
    }

    @Override
    public void close() {
        monitor.close();
    }
}
