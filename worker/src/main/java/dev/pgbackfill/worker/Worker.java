package dev.pgbackfill.worker;

import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.chunk.LeaseStore;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.worker.apply.BatchApplier;
import dev.pgbackfill.worker.apply.ChunkRunner;
import dev.pgbackfill.worker.dispatch.Dispatcher;
import dev.pgbackfill.worker.intake.RequestConsumer;
import dev.pgbackfill.worker.throttle.Throttle;
import dev.pgbackfill.worker.throttle.ThrottleController;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker, in three roles: a {@link RequestConsumer} in the workers' Kafka group, a {@link Dispatcher} that
 * claims each request's chunk and runs it on one of {@code threads} runners, and a {@link WorkerRegistry} entry
 * kept alive by heartbeats. This class wires them and owns the worker's identity and its stop.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final int SPEC_CACHE = 256;

    private final String id;
    private final ChunkTopic topic;
    private final JobStore jobs;
    private final WorkerRegistry registry;
    private final Dispatcher dispatcher;
    private final RequestConsumer consumer;
    /** Statements per job, built once; a long-lived worker keeps only the most recent jobs' (LRU). */
    private final Map<Long, BatchSql> specs = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, BatchSql> eldest) {
            return size() > SPEC_CACHE;
        }
    });
    private volatile boolean stopping;

    /** A worker with the real throttle (settings from PostgreSQL) and metrics in {@code registry}. */
    public Worker(DataSource dataSource, ChunkTopic topic, WorkerSettings settings, MeterRegistry registry) {
        this(dataSource, topic, settings, new ThrottleController(dataSource, Clock.systemUTC(), registry), registry);
    }

    public Worker(DataSource dataSource, ChunkTopic topic, WorkerSettings settings, Throttle throttle) {
        this(dataSource, topic, settings, throttle, new SimpleMeterRegistry());
    }

    public Worker(DataSource dataSource, ChunkTopic topic, WorkerSettings settings, Throttle throttle, MeterRegistry meters) {
        this.id = WorkerRegistry.hostName() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.topic = topic;
        this.jobs = new JobStore(dataSource);
        this.registry = new WorkerRegistry(dataSource, id, settings.threads());
        LeaseStore leases = new LeaseStore(dataSource, id, settings.leaseDuration());
        ChunkRunner runner = new ChunkRunner(new BatchApplier(dataSource, leases, settings.lockTimeout()), leases, this::spec, throttle, settings,
                () -> stopping, new WorkerMetrics(meters), this::failJob);
        this.dispatcher = new Dispatcher(id, settings.threads(), leases, runner, registry::heartbeat, this::runnerFree);
        this.consumer = new RequestConsumer(id, topic, settings.threads(), dispatcher);
    }

    public String id() {
        return id;
    }

    public long chunksDone() {
        return dispatcher.chunksDone();
    }

    /** CLOSED while the database answers; OPEN while this worker takes no chunks because it keeps failing. */
    public CircuitBreaker.State circuitState() {
        return dispatcher.circuitState();
    }

    public Worker start() {
        topic.ensureExists();
        consumer.start();
        return this;
    }

    private void runnerFree() {
        consumer.wakeup();
    }

    private void failJob(long jobId, String reason) {
        try {
            jobs.transition(jobId, JobState.FAILED, "worker " + id, reason);
        } catch (RuntimeException e) {
            log.warn("worker {}: could not fail job {}: {}", id, jobId, e.toString()); // finished or changed meanwhile
        }
    }

    private BatchSql spec(long jobId) {
        BatchSql sql = specs.get(jobId);
        if (sql == null) {
            sql = new BatchSql(jobs.resolvedSpec(jobId)); // outside the lock: it reads the database
            specs.put(jobId, sql);
        }
        return sql;
    }

    /** Stops taking chunks; running chunks stop after their current batch and are released at their checkpoint. */
    @Override
    public void close() {
        stopping = true;
        consumer.close();
        dispatcher.close();
        registry.deregister();
    }
}
