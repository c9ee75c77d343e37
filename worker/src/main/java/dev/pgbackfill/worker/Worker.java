package dev.pgbackfill.worker;

import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.worker.apply.BatchApplier;
import dev.pgbackfill.worker.apply.ChunkRunner;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.LeaseStore;
import dev.pgbackfill.worker.throttle.Throttle;
import dev.pgbackfill.worker.throttle.ThrottleController;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a Kafka consumer in the workers' group and {@code threads} runner threads. The consumer claims each
 * request's chunk in PostgreSQL and hands it to a free runner; it commits the request's offset once claimed (the
 * lease, not Kafka, protects the chunk from then on) and pauses its partitions while every runner is busy, so it
 * keeps polling and is never evicted by {@code max.poll.interval.ms}.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final String id;
    private final DataSource dataSource;
    private final ChunkTopic topic;
    private final WorkerSettings settings;
    private final LeaseStore leases;
    private final ChunkRunner runner;
    private final JobStore jobs;
    /** Statements per job, built once; a long-lived worker keeps only the most recent jobs' (LRU, 256). */
    private final Map<Long, BatchSql> specs = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, BatchSql> eldest) {
            return size() > 256;
        }
    });
    private final ExecutorService runners;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong chunksDone = new AtomicLong();
    private final Thread consumerThread;
    /**
     * Opens when claims and chunk runs keep failing on database errors: the worker then stops taking chunks (their
     * requests stay in Kafka, or are republished when leases expire) until a probe call succeeds.
     */
    private final CircuitBreaker database = CircuitBreaker.of("database", CircuitBreakerConfig.custom()
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(10))
            .permittedNumberOfCallsInHalfOpenState(1)
            .recordException(e -> e instanceof SQLException)
            .build());
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private long lastHeartbeat;

    /** A worker with the real throttle (settings from PostgreSQL) and metrics in {@code registry}. */
    public Worker(DataSource dataSource, ChunkTopic topic, WorkerSettings settings, MeterRegistry registry) {
        this(dataSource, topic, settings, new ThrottleController(dataSource, Clock.systemUTC(), registry), registry);
    }

    public Worker(DataSource dataSource, ChunkTopic topic, WorkerSettings settings, Throttle throttle) {
        this(dataSource, topic, settings, throttle, new SimpleMeterRegistry());
    }

    public Worker(DataSource dataSource, ChunkTopic topic, WorkerSettings settings, Throttle throttle, MeterRegistry registry) {
        this.id = hostName() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.dataSource = dataSource;
        this.topic = topic;
        this.settings = settings;
        this.leases = new LeaseStore(dataSource, id, settings.leaseDuration());
        this.jobs = new JobStore(dataSource);
        this.runner = new ChunkRunner(new BatchApplier(dataSource, leases, settings.lockTimeout()), leases, this::spec, throttle, settings, () -> stopping,
                new WorkerMetrics(registry), this::failJob);
        this.runners = Executors.newFixedThreadPool(settings.threads(), r -> new Thread(r, "pgbackfill-runner-" + id));
        this.consumerThread = new Thread(this::consume, "pgbackfill-consumer-" + id);
    }

    public String id() {
        return id;
    }

    public long chunksDone() {
        return chunksDone.get();
    }

    private void failJob(long jobId, String reason) {
        try {
            jobs.transition(jobId, dev.pgbackfill.job.JobState.FAILED, "worker " + id, reason);
        } catch (RuntimeException e) {
            log.warn("worker {}: could not fail job {}: {}", id, jobId, e.toString()); // finished or changed meanwhile
        }
    }

    /** CLOSED while the database answers; OPEN while this worker takes no chunks because it keeps failing. */
    public CircuitBreaker.State circuitState() {
        return database.getState();
    }

    public Worker start() {
        topic.ensureExists();
        consumerThread.start();
        return this;
    }

    private BatchSql spec(long jobId) {
        BatchSql sql = specs.get(jobId);
        if (sql == null) {
            sql = new BatchSql(jobs.resolvedSpec(jobId)); // outside the lock: it reads the database
            specs.put(jobId, sql);
        }
        return sql;
    }

    /**
     * The consumer thread. A consumer that fails (a broker gone and back with a new identity, a commit refused after
     * a rebalance) is replaced after a pause, never left dead: the worker must keep taking requests. Correctness
     * does not depend on it, since leases in PostgreSQL decide who runs a chunk and a repeated request is a no-op.
     */
    private volatile long backoffMs = 1_000;

    private void consume() {
        while (!stopping) {
            try {
                consumeUntilStopped();
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                log.warn("worker {}: Kafka consumer failed ({}); a new one starts in {} ms", id, e.toString(), backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException interrupted) {
                    return; // close() interrupts the pause
                }
                backoffMs = Math.min(backoffMs * 2, 30_000);
            }
        }
    }

    private void consumeUntilStopped() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(topic.consumerProps(id, settings.threads()))) {
            consumer = c;
            c.subscribe(List.of(topic.name()));
            boolean paused = false;
            while (!stopping) {
                heartbeat();
                boolean full = busy.get() >= settings.threads();
                if (full && !paused) {
                    c.pause(c.assignment());
                    paused = true;
                } else if (!full && paused) {
                    c.resume(c.paused());
                    paused = false;
                }
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(Duration.ofMillis(200));
                    backoffMs = 1_000; // this consumer works: a later failure starts the backoff afresh
                } catch (WakeupException e) {
                    continue; // a runner finished (or the worker is stopping: the loop condition decides)
                }
                if (records.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                        if (busy.get() >= settings.threads() || stopping) {
                            c.seek(tp, r.offset()); // not taken: read it again when a runner is free
                            break;
                        }
                        if (!dispatch(r)) {
                            c.seek(tp, r.offset());
                            break;
                        }
                        done.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    }
                }
                commit(c, done);
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e; // woken outside shutdown: start a new consumer
            }
        } finally {
            consumer = null;
        }
    }

    /**
     * Commits the claimed requests' offsets. A runner finishing meanwhile calls wakeup(), which commitSync reports
     * as a WakeupException too: that is not a shutdown, so the commit is simply retried.
     */
    private void commit(KafkaConsumer<String, byte[]> c, Map<TopicPartition, OffsetAndMetadata> done) {
        while (!done.isEmpty()) {
            try {
                c.commitSync(done);
                return;
            } catch (WakeupException e) {
                if (stopping) {
                    throw e;
                }
            } catch (org.apache.kafka.common.KafkaException e) {
                // the group moved on (a rebalance in progress, a commit refused after one, a broker restart): these
                // requests may be delivered again, and a claimed or finished chunk makes a repeat a no-op
                log.warn("worker {}: offsets not committed ({}); their requests may come again and will be dropped", id, e.toString());
                return;
            }
        }
    }

    /** Claims the request's chunk and starts it; false when the database could not be asked (retry later). */
    private boolean dispatch(ConsumerRecord<String, byte[]> record) {
        ChunkRequest request;
        try {
            request = ChunkRequest.fromBytes(record.value());
        } catch (RuntimeException e) {
            log.warn("worker {}: ignoring malformed record at {}-{}@{}", id, record.topic(), record.partition(), record.offset());
            return true;
        }
        if (!database.tryAcquirePermission()) {
            sleepQuietly(Duration.ofMillis(500)); // circuit open: the database keeps failing, take nothing
            return false;
        }
        Optional<ChunkLease> lease;
        long start = System.nanoTime();
        try {
            lease = leases.claim(request);
            database.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (SQLException e) {
            database.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            log.warn("worker {}: cannot claim job {} chunk {}: {} (circuit {})", id, request.jobId(), request.chunkNo(), e.toString(),
                    database.getState());
            sleepQuietly(Duration.ofSeconds(1));
            return false;
        }
        if (lease.isEmpty()) {
            return true; // duplicate, finished, leased elsewhere or job not running
        }
        busy.incrementAndGet();
        runners.execute(() -> {
            try {
                long runStart = System.nanoTime();
                ChunkRunner.Outcome outcome = runner.run(lease.get());
                if (outcome == ChunkRunner.Outcome.DONE) {
                    chunksDone.incrementAndGet();
                }
                if (outcome == ChunkRunner.Outcome.FAILED) {
                    database.onError(System.nanoTime() - runStart, TimeUnit.NANOSECONDS, new SQLException("chunk failed", "58000"));
                } else {
                    database.onSuccess(System.nanoTime() - runStart, TimeUnit.NANOSECONDS);
                }
                log.debug("worker {}: {} -> {}", id, lease.get().describe(), outcome);
            } finally {
                busy.decrementAndGet();
                KafkaConsumer<String, byte[]> c = consumer;
                if (c != null) {
                    c.wakeup(); // a runner is free: take the next request now, not after the poll times out
                }
            }
        });
        return true;
    }

    private void heartbeat() {
        long now = System.nanoTime();
        if (now - lastHeartbeat < TimeUnit.SECONDS.toNanos(5)) {
            return;
        }
        lastHeartbeat = now;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pgbackfill.worker (id, host, pid, threads) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()""")) {
            ps.setString(1, id);
            ps.setString(2, hostName());
            ps.setLong(3, ProcessHandle.current().pid());
            ps.setInt(4, settings.threads());
            ps.executeUpdate();
        } catch (SQLException e) {
            log.debug("worker {}: heartbeat failed: {}", id, e.toString());
        }
    }

    /** Stops taking chunks; running chunks stop after their current batch and are released at their checkpoint. */
    @Override
    public void close() {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        } else {
            consumerThread.interrupt(); // pausing before a new consumer: stop now
        }
        try {
            consumerThread.join(TimeUnit.SECONDS.toMillis(30));
            runners.shutdown();
            runners.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement("DELETE FROM pgbackfill.worker WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.debug("worker {}: could not deregister: {}", id, e.toString());
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
