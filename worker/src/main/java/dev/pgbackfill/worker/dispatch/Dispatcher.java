package dev.pgbackfill.worker.dispatch;

import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.LeaseStore;
import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.worker.apply.ChunkRunner;
import dev.pgbackfill.worker.intake.RequestConsumer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims each request's chunk in PostgreSQL, behind a circuit breaker, and runs it on a free runner thread. A
 * duplicate or stale request (chunk done, leased elsewhere, job not running) claims nothing and is dropped.
 */
public final class Dispatcher implements RequestConsumer.Intake, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final String workerId;
    private final int threads;
    private final LeaseStore leases;
    private final ChunkRunner runner;
    private final Runnable onPoll;
    private final Runnable onRunnerFree;
    private final ExecutorService runners;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong chunksDone = new AtomicLong();
    /** An idle worker looks for waiting chunks this often at most (one indexed query over open chunks). */
    static final Duration IDLE_LOOK_EVERY = Duration.ofMillis(250);
    /**
     * A request is left this long to its own consumer before an idle worker takes its chunk: one poll's time, in which
     * a consumer with a free runner takes its record. Longer only delays the start of workers whose partitions are
     * still being assigned (measured: the second of two workers began 0.5 s into a 1 M-row job at 500 ms).
     */
    static final Duration WAITING_AT_LEAST = Duration.ofMillis(200);
    private volatile long lastIdleLook = System.nanoTime() - IDLE_LOOK_EVERY.toNanos();
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

    /** {@code onRunnerFree}: a runner finished (poll again now); {@code onPoll}: called on every poll (heartbeat). */
    public Dispatcher(String workerId, int threads, LeaseStore leases, ChunkRunner runner, Runnable onPoll, Runnable onRunnerFree) {
        this.workerId = workerId;
        this.threads = threads;
        this.leases = leases;
        this.runner = runner;
        this.onPoll = onPoll;
        this.onRunnerFree = onRunnerFree;
        this.runners = Executors.newFixedThreadPool(threads, r -> new Thread(r, "pgbackfill-runner-" + workerId));
    }

    @Override
    public boolean hasRoom() {
        return busy.get() < threads;
    }

    @Override
    public void onPoll() {
        onPoll.run();
    }

    /**
     * Takes chunks whose requests wait in another consumer's partition ({@link LeaseStore#claimWaiting}) while this
     * worker has free runners, at most every {@link #IDLE_LOOK_EVERY}: idle threads share a job's tail, and a worker
     * whose partitions are not assigned yet starts at once.
     */
    @Override
    public void onIdle() {
        long now = System.nanoTime();
        if (now - lastIdleLook < IDLE_LOOK_EVERY.toNanos()) {
            return;
        }
        lastIdleLook = now;
        while (hasRoom() && database.tryAcquirePermission()) {
            long start = System.nanoTime();
            Optional<ChunkLease> lease;
            try {
                lease = leases.claimWaiting(WAITING_AT_LEAST);
            } catch (SQLException e) {
                database.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                log.warn("worker {}: cannot look for waiting chunks: {} (circuit {})", workerId, e.toString(), database.getState());
                return;
            }
            if (lease.isEmpty()) {
                // nothing waits: not a call the breaker should count, or idle looks would outvote failing chunk runs
                database.releasePermission();
                return;
            }
            database.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            log.debug("worker {}: took waiting {}", workerId, lease.get().describe());
            startRun(lease.get());
        }
    }

    /** Claims the request's chunk and starts it; false when the database could not be asked (retry later). */
    @Override
    public boolean take(ChunkRequest request) {
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
            log.warn("worker {}: cannot claim job {} chunk {}: {} (circuit {})", workerId, request.jobId(), request.chunkNo(), e.toString(),
                    database.getState());
            sleepQuietly(Duration.ofSeconds(1));
            return false;
        }
        lease.ifPresent(this::startRun);
        return true;
    }

    private void startRun(ChunkLease lease) {
        busy.incrementAndGet();
        try {
            runners.execute(() -> run(lease));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            busy.decrementAndGet(); // the worker is stopping: give the chunk back for another worker at once
            try {
                leases.release(lease, true);
            } catch (SQLException released) {
                log.warn("worker {}: could not give back {} while stopping: {} (its lease expires)", workerId, lease.describe(), released.toString());
            }
        }
    }

    private void run(ChunkLease lease) {
        try {
            long start = System.nanoTime();
            ChunkRunner.Outcome outcome = runner.run(lease);
            if (outcome == ChunkRunner.Outcome.DONE) {
                chunksDone.incrementAndGet();
            }
            if (outcome == ChunkRunner.Outcome.FAILED) {
                database.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, new SQLException("chunk failed", SqlErrors.SYSTEM_ERROR));
            } else {
                database.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            log.debug("worker {}: {} -> {}", workerId, lease.describe(), outcome);
        } finally {
            busy.decrementAndGet();
            onRunnerFree.run();
        }
    }

    public long chunksDone() {
        return chunksDone.get();
    }

    /** CLOSED while the database answers; OPEN while this worker takes no chunks because it keeps failing. */
    public CircuitBreaker.State circuitState() {
        return database.getState();
    }

    /** Lets running chunks finish (they stop after their current batch when the worker stops); waits up to 60 s. */
    @Override
    public void close() {
        runners.shutdown();
        try {
            runners.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
