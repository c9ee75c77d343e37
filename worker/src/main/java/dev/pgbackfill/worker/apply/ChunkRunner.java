package dev.pgbackfill.worker.apply;

import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.worker.WorkerMetrics;
import dev.pgbackfill.worker.WorkerSettings;
import dev.pgbackfill.chunk.BoundChangedException;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.JobStoppedException;
import dev.pgbackfill.chunk.LeaseLostException;
import dev.pgbackfill.chunk.LeaseStore;
import dev.pgbackfill.worker.throttle.Throttle;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one chunk to the end: a forward pass of batches from its checkpoint to the end of its range, then sweeps
 * of the whole range until no row in it still matches the predicate. Rows that SKIP LOCKED passed over (held by
 * other sessions) are caught by the sweeps; rows still held after {@code maxSweeps} are reported as stuck.
 */
public final class ChunkRunner {
    private static final Logger log = LoggerFactory.getLogger(ChunkRunner.class);
    private static final int MAX_CONSECUTIVE_TIMEOUTS = 12;
    private static final int STUCK_SAMPLE = 1_000;
    /** After a lock conflict, this many batches use SKIP LOCKED before the optimistic batch is tried again. */
    private static final int CONTENDED_BATCHES = 10;

    private final BatchApplier applier;
    private final LeaseStore leases;
    private final LongFunction<BatchSql> specs;
    private final Throttle throttle;
    private final WorkerSettings settings;
    private final BooleanSupplier stopping;
    private final Retry retry;
    private final WorkerMetrics metrics;
    private final java.util.function.BiConsumer<Long, String> jobFailed;

    public ChunkRunner(BatchApplier applier, LeaseStore leases, LongFunction<BatchSql> specs, Throttle throttle,
                       WorkerSettings settings, BooleanSupplier stopping, WorkerMetrics metrics,
                       java.util.function.BiConsumer<Long, String> jobFailed) {
        this.metrics = metrics;
        this.jobFailed = jobFailed;
        this.applier = applier;
        this.leases = leases;
        this.specs = specs;
        this.throttle = throttle;
        this.settings = settings;
        this.stopping = stopping;
        this.retry = Retry.of("batch", RetryConfig.custom()
                .maxAttempts(6)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2.0))
                .retryOnException(SqlErrors::isTransient)
                .build());
        retry.getEventPublisher().onRetry(e -> metrics.retry());
    }

    /** How a chunk run ended; FAILED = database trouble (retried later), JOB_FAILED = an error no retry can cure. */
    public enum Outcome { DONE, STUCK, RELEASED, LEASE_LOST, FAILED, JOB_FAILED }

    public Outcome run(ChunkLease lease) {
        Throttle.ChunkThrottle chunkThrottle = throttle.forChunk(lease);
        try {
            return workWithinBounds(lease, chunkThrottle);
        } catch (LeaseLostException e) {
            log.warn(e.getMessage());
            return Outcome.LEASE_LOST;
        } catch (JobStoppedException e) {
            log.info("{}: job is {}, chunk released at its checkpoint", lease.describe(), e.state());
            return release(lease, false);
        } catch (StopRequested e) {
            return release(lease, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return release(lease, true);
        } catch (Exception e) {
            return failed(lease, e);
        } finally {
            chunkThrottle.close();
        }
    }

    /**
     * The chunk's work; when the coordinator split it as the worker was about to finish (complete and stuck are fenced
     * on the range's end too), the work is judged again within the new bound.
     */
    private Outcome workWithinBounds(ChunkLease lease, Throttle.ChunkThrottle chunkThrottle) throws Exception {
        ChunkLease current = lease;
        while (true) {
            try {
                return work(current, chunkThrottle);
            } catch (BoundChangedException e) {
                current = e.lease();
                log.info("{}: split by the coordinator as it finished; checking again up to {}", current.describe(), range(current));
            }
        }
    }

    /** The forward pass from the checkpoint, then, when rows may have been skipped, sweeps of the whole range. */
    private Outcome work(ChunkLease claimed, Throttle.ChunkThrottle chunkThrottle) throws Exception {
        BatchSql job = specs.apply(claimed.jobId());
        BatchSql sql = claimed.partition() == null ? job : new BatchSql(job.spec().onPartition(claimed.partition()));
        Pass pass = new Pass(sql, claimed, chunkThrottle, claimed.cursor(), sql.spec().batchSize()).run();
        ChunkLease lease = pass.lease; // a split while it ran moved its upper bound
        if (!pass.skipLocked && !lease.skipped()) {
            // every batch was a plain bounded UPDATE, which waits for row locks instead of skipping rows: nothing
            // in the range was passed over (rows written behind the cursor meanwhile are the job-level check's)
            return leases.complete(lease, 0) ? Outcome.DONE : Outcome.LEASE_LOST;
        }
        int limit = pass.limit;
        for (int sweep = 1; ; sweep++) {
            List<List<String>> remaining = applier.remaining(sql, lease.lo(), lease.hi(), STUCK_SAMPLE);
            if (remaining.isEmpty()) {
                return leases.complete(lease, sweep - 1) ? Outcome.DONE : Outcome.LEASE_LOST;
            }
            if (sweep > settings.maxSweeps()) {
                return stuck(lease, remaining, sweep - 1);
            }
            if (sweep > 1) {
                waitRenewing(lease, backoff(sweep - 1));
            }
            Pass sweepPass = new Pass(sql, lease, chunkThrottle, lease.lo(), limit).run();
            lease = sweepPass.lease;
            limit = sweepPass.limit;
        }
    }

    private Outcome stuck(ChunkLease lease, List<List<String>> remaining, int sweeps) throws SQLException {
        log.warn("{}: {}{} row(s) still match after {} sweeps (locked by other sessions?); reporting them stuck",
                lease.describe(), remaining.size() == STUCK_SAMPLE ? "at least " : "", remaining.size(), sweeps);
        metrics.stuck(lease.jobId(), remaining.size());
        return leases.markStuck(lease, remaining.size(), remaining.subList(0, Math.min(20, remaining.size())), sweeps)
                ? Outcome.STUCK : Outcome.LEASE_LOST;
    }

    /** Gives the chunk back; an error no retry can cure fails the job, naming it. */
    private Outcome failed(ChunkLease lease, Exception e) {
        if (lease.partition() != null && e instanceof java.sql.SQLException sql && SqlErrors.UNDEFINED_TABLE.equals(sql.getSQLState())) {
            return partitionGone(lease);
        }
        release(lease, false);
        if (SqlErrors.isPermanent(e)) {
            String reason = "chunk " + lease.chunkNo() + " (keys " + range(lease) + ") failed with an error no retry can cure: " + SqlErrors.describe(e)
                    + "; fix the data or the spec, then launch again (rows already done stay done)";
            log.error("{}: {}", lease.describe(), reason);
            jobFailed.accept(lease.jobId(), reason);
            return Outcome.JOB_FAILED;
        }
        log.warn("{}: giving the chunk back after an error: {}", lease.describe(), e.toString());
        return Outcome.FAILED;
    }

    /** The chunk's partition was dropped during the run (a retention job): its rows left the table with it. */
    private Outcome partitionGone(ChunkLease lease) {
        log.warn("{}: partition {} no longer exists; its rows left the table with it, so the chunk is done", lease.describe(), lease.partition().sql());
        try {
            return leases.complete(lease, 0) ? Outcome.DONE : Outcome.LEASE_LOST;
        } catch (SQLException e) {
            return release(lease, false);
        }
    }

    /** A chunk's key range as an operator reads it: {@code (100, 200]}, {@code (-∞, 100]}, {@code (900, +∞)}. */
    static String range(ChunkLease lease) {
        return "(" + (lease.lo() == null ? "-∞" : String.join(", ", lease.lo())) + ", "
                + (lease.hi() == null ? "+∞)" : String.join(", ", lease.hi()) + "]")
                + (lease.partition() == null ? "" : " in partition " + lease.partition().sql());
    }

    /**
     * Batches from {@code start} to the end of the range. At the end, {@code limit} is the batch size it settled on,
     * {@code skipLocked} whether any SKIP LOCKED batch ran (rows may have been passed over), and {@code lease} the
     * lease with the range's current end (the coordinator may split a running chunk: the pass then stops at the new
     * bound, the batch that met the split having been rolled back by the fence).
     */
    private final class Pass {
        private final BatchSql sql;
        private ChunkLease lease;
        private final Throttle.ChunkThrottle chunkThrottle;
        private final Throttle.Waiter waiter;
        private List<String> cursor;
        private int limit;
        private boolean skipLocked;
        private int timeouts;
        /** Batches left on the SKIP LOCKED path after the optimistic one met a lock. */
        private int pessimistic;

        Pass(BatchSql sql, ChunkLease lease, Throttle.ChunkThrottle chunkThrottle, List<String> start, int limit) {
            this.sql = sql;
            this.lease = lease;
            this.chunkThrottle = chunkThrottle;
            this.waiter = d -> waitRenewing(lease, d);
            this.cursor = start;
            this.limit = limit;
        }

        Pass run() throws Exception {
            while (true) {
                if (stopping.getAsBoolean()) {
                    throw new StopRequested();
                }
                limit = chunkThrottle.beforeBatch(limit, waiter);
                long started = System.nanoTime();
                BatchResult result = batch();
                if (result == null) {
                    continue; // timed out: retried smaller
                }
                long took = System.nanoTime() - started;
                metrics.record(lease.jobId(), result, limit, took);
                skipLocked |= !result.optimistic();
                if (result.locked() == 0) {
                    if (result.updated() > 0) {
                        chunkThrottle.afterBatch(limit, 0, result.updated(), took, waiter); // the tail's rows count toward the rate
                    }
                    return this;
                }
                limit = chunkThrottle.afterBatch(limit, result.locked(), result.updated(), took, waiter);
                cursor = result.lastKey();
            }
        }

        /** One batch, retried on transient errors; null after a lock or statement timeout (the batch size is halved). */
        private BatchResult batch() throws Exception {
            try {
                List<String> from = cursor;
                int n = limit;
                boolean optimistic = pessimistic == 0;
                ChunkLease current = lease;
                BatchResult result;
                try {
                    result = retry.executeCallable(() -> applier.apply(sql, current, from, n, optimistic));
                } catch (BoundChangedException e) {
                    lease = e.lease();
                    log.info("{}: split by the coordinator; now ends at {}", lease.describe(), range(lease));
                    return null; // the same batch again, within the new bound
                }
                timeouts = 0;
                if (optimistic && !result.optimistic() && result.locked() == n) {
                    pessimistic = CONTENDED_BATCHES; // rows are being held: skip them for a while rather than wait
                } else if (pessimistic > 0) {
                    pessimistic--;
                }
                return result;
            } catch (SQLException e) {
                if (!SqlErrors.isTimeout(e) || ++timeouts > MAX_CONSECUTIVE_TIMEOUTS) {
                    throw e;
                }
                metrics.timeout(lease.jobId());
                limit = Math.max(1, limit / 2);
                log.info("{}: batch hit {} (SQLSTATE {}); retrying with {} rows", lease.describe(),
                        SqlErrors.LOCK_NOT_AVAILABLE.equals(e.getSQLState()) ? "lock_timeout" : "statement_timeout", e.getSQLState(), limit);
                return null;
            }
        }
    }

    private Duration backoff(int attempt) {
        long ms = settings.sweepBackoff().toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(ms, 5_000));
    }

    private void waitRenewing(ChunkLease lease, Duration wait) throws Exception {
        long until = System.nanoTime() + wait.toNanos();
        long step = Math.max(50, settings.leaseDuration().toMillis() / 3);
        while (System.nanoTime() < until) {
            if (stopping.getAsBoolean()) {
                throw new StopRequested();
            }
            Thread.sleep(Math.min(step, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            if (!leases.renew(lease)) {
                throw new LeaseLostException(lease);
            }
        }
    }

    private Outcome release(ChunkLease lease, boolean soon) {
        try {
            return leases.release(lease, soon) ? Outcome.RELEASED : Outcome.LEASE_LOST;
        } catch (SQLException e) {
            log.warn("{}: could not release the chunk ({}); its lease will expire", lease.describe(), e.toString());
            return Outcome.RELEASED;
        }
    }

    private static final class StopRequested extends Exception {
        StopRequested() {
            super(null, null, false, false);
        }
    }
}
