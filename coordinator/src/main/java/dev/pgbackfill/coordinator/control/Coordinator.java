package dev.pgbackfill.coordinator.control;

import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.coordinator.plan.ChunkRange;
import dev.pgbackfill.coordinator.plan.Planner;
import dev.pgbackfill.coordinator.plan.SpecValidator;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: validates and plans jobs, publishes chunk requests, and runs the monitor that keeps jobs
 * moving (republishes chunks whose lease expired, samples progress, verifies and completes finished jobs).
 * All its state is in PostgreSQL; a restarted coordinator simply carries on with the RUNNING jobs it finds.
 */
public final class Coordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    /** Only one coordinator's monitor works at a time (advisory lock held for the tick). */
    private static final long MONITOR_LOCK = 0x7067626b6d6f6e69L;

    private final DataSource dataSource;
    private final JobStore jobs;
    private final ChunkPublisher publisher;
    private final CoordinatorSettings settings;
    private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgbackfill-monitor");
        t.setDaemon(true);
        return t;
    });
    private final ChunkDoneListener chunkDone;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private long lastSampleNanos;
    private volatile MeterRegistry registry;
    private final Map<Long, JobStatus> metered = new ConcurrentHashMap<>();
    private final AtomicReference<HealthMonitor.Signals> lastSignals = new AtomicReference<>();

    /** Pages read by one statement of the final verification (64 MB of 8 kB pages): bounded, like every statement here. */
    static final long VERIFY_SLICE_PAGES = 8_192;

    public Coordinator(DataSource dataSource, ChunkPublisher publisher, CoordinatorSettings settings) {
        this.dataSource = dataSource;
        this.chunkDone = new ChunkDoneListener(dataSource, this::wakeMonitor);
        this.jobs = new JobStore(dataSource);
        this.publisher = publisher;
        this.settings = settings;
    }

    public JobStore jobs() {
        return jobs;
    }

    /**
     * Exposes job progress (rows done / estimated, rows/s, stuck rows, running chunks, health-throttled) per job
     * and the last health signals as Micrometer gauges, updated by the monitor.
     */
    public void bindMetrics(MeterRegistry meterRegistry) {
        this.registry = meterRegistry;
        Gauge.builder("pgbackfill.health.replica.lag.seconds", lastSignals, s -> s.get() == null ? 0 : s.get().replicaLagSeconds()).register(meterRegistry);
        Gauge.builder("pgbackfill.health.wal.retained.mb", lastSignals, s -> s.get() == null ? 0 : s.get().walRetainedMb()).register(meterRegistry);
        Gauge.builder("pgbackfill.health.lock.waiters", lastSignals, s -> s.get() == null ? 0 : s.get().lockWaiters()).register(meterRegistry);
        Gauge.builder("pgbackfill.health.active.connections", lastSignals, s -> s.get() == null ? 0 : s.get().activeConnections()).register(meterRegistry);
    }

    private void meter(long jobId) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        if (metered.put(jobId, jobs.status(jobId)) == null) {
            String job = Long.toString(jobId);
            Gauge.builder("pgbackfill.job.rows.done", metered, m -> m.get(jobId).rowsDone()).tag("job", job).register(r);
            Gauge.builder("pgbackfill.job.rows.estimated", metered, m -> m.get(jobId).rowsEstimated()).tag("job", job).register(r);
            Gauge.builder("pgbackfill.job.rows.per.second", metered, m -> m.get(jobId).rowsPerSecond()).tag("job", job).register(r);
            Gauge.builder("pgbackfill.job.stuck.rows", metered, m -> m.get(jobId).stuckRows()).tag("job", job).register(r);
            Gauge.builder("pgbackfill.job.chunks.running", metered, m -> m.get(jobId).chunksRunning()).tag("job", job).register(r);
            Gauge.builder("pgbackfill.job.throttled", metered, m -> m.get(jobId).throttleReason() == null ? 0 : 1).tag("job", job).register(r);
        }
    }

    public void start() {
        monitor.scheduleWithFixedDelay(this::tickSafely, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
        chunkDone.start();
    }

    /** An extra tick soon, unless one is already waiting: chunks finishing together wake the monitor once. */
    private void wakeMonitor() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                monitor.execute(() -> {
                    wakePending.set(false);
                    tickSafely();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wakePending.set(false); // closing
            }
        }
    }

    /** Checks a spec against the catalog without creating anything; throws InvalidInputException when it is bad. */
    public ResolvedSpec validate(BackfillSpec spec) {
        try (Connection c = dataSource.getConnection()) {
            return new SpecValidator(c).validate(spec).spec();
        } catch (SQLException e) {
            throw new IllegalStateException("validating the spec failed: " + e.getMessage(), e);
        }
    }

    /**
     * Validates, plans and starts a job; returns its id. A bad spec is refused before anything is written.
     * The job is visible as PLANNING while its chunks are cut, then RUNNING once they are published.
     */
    public long launch(BackfillSpec spec, String actor) {
        long jobId;
        List<ChunkRange> chunks;
        try (Connection c = dataSource.getConnection()) {
            SpecValidator validator = new SpecValidator(c);
            SpecValidator.Validated v = validator.validate(spec);
            long estimate = validator.estimateRows(v, spec);
            c.setAutoCommit(false);
            jobId = jobs.create(c, spec, v.spec(), estimate, actor);
            c.commit();
            try {
                chunks = new Planner(c).plan(v.spec(), v.table());
                insertChunks(c, jobId, chunks);
                jobs.transition(c, jobId, JobState.RUNNING, actor, "planned " + chunks.size() + " chunk(s)");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                jobs.transition(jobId, JobState.FAILED, "coordinator", "planning failed: " + e.getMessage());
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("launching the job failed: " + e.getMessage(), e);
        }
        log.info("job {} launched by {}: {} chunk(s) on {}", jobId, actor, chunks.size(), spec.table());
        ThrottleSettings throttle = spec.throttleOrNone();
        if (throttle.hasHealthSignals()) {
            // judge health before the first request goes out: a job launched into an unhealthy database waits
            try (Connection c = dataSource.getConnection()) {
                if (judgeHealth(c, jobId, throttle, HealthMonitor.read(c))) {
                    return jobId;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading health signals failed: " + e.getMessage(), e);
            }
        }
        publishDue(jobId);
        return jobId;
    }

    public boolean pause(long jobId, String actor, String reason) {
        return jobs.transition(jobId, JobState.PAUSED, actor, reason);
    }

    /** Resumes a PAUSED job (or retries a FAILED one): its unfinished chunks continue from their checkpoints. */
    public boolean resume(long jobId, String actor, String reason) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            boolean changed = jobs.transition(c, jobId, JobState.RUNNING, actor, reason);
            try (PreparedStatement ps = c.prepareStatement("UPDATE pgbackfill.job SET verify_rounds = 0 WHERE id = ?")) {
                ps.setLong(1, jobId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE pgbackfill.chunk SET state = 'PENDING', published_at = NULL, updated_at = now(),
                           stuck_rows = CASE WHEN state = 'STUCK' THEN 0 ELSE stuck_rows END,
                           lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
                     WHERE job_id = ? AND (state IN ('PENDING', 'STUCK') OR (state = 'RUNNING' AND lease_expires_at < now()))""")) {
                ps.setLong(1, jobId);
                ps.executeUpdate();
            }
            c.commit();
            publishDue(jobId);
            return changed;
        } catch (SQLException e) {
            throw new IllegalStateException("resuming job " + jobId + " failed: " + e.getMessage(), e);
        }
    }

    public boolean cancel(long jobId, String actor, String reason) {
        return jobs.transition(jobId, JobState.CANCELLED, actor, reason);
    }

    public JobStatus status(long jobId) {
        return jobs.status(jobId);
    }

    /**
     * Waits until the job is SUCCEEDED, FAILED or CANCELLED, or {@code timeout} passed; reports the status to
     * {@code progress} about once a second. Returns the last status seen.
     */
    public JobStatus awaitFinished(long jobId, Duration timeout, Consumer<JobStatus> progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        JobStatus s = jobs.status(jobId);
        while (!s.state().isTerminal() && System.nanoTime() < deadline) {
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                progress.accept(s);
                lastReport = System.nanoTime();
            }
            Thread.sleep(50);
            s = jobs.status(jobId);
        }
        return s;
    }

    private void insertChunks(Connection c, long jobId, List<ChunkRange> chunks) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO pgbackfill.chunk (job_id, chunk_no, lo, hi, cursor) VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb)")) {
            int no = 0;
            for (ChunkRange r : chunks) {
                String lo = r.lo() == null ? null : Json.write(r.lo());
                ps.setLong(1, jobId);
                ps.setInt(2, no++);
                ps.setString(3, lo);
                ps.setString(4, r.hi() == null ? null : Json.write(r.hi()));
                ps.setString(5, lo);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (Throwable t) {
            log.warn("monitor tick failed (will retry): {}", t.toString());
        }
    }

    /** One round of the monitor over every RUNNING job. */
    void tick() throws SQLException {
        boolean sample = System.nanoTime() - lastSampleNanos >= settings.sampleEvery().toNanos();
        try (Connection c = dataSource.getConnection()) {
            if (!advisoryLock(c, "pg_try_advisory_lock")) {
                return;
            }
            try {
                c.setAutoCommit(false);
                failAbandonedPlanning(c);
                c.commit();
                HealthMonitor.Signals signals = null;
                for (long jobId : jobs.idsIn(JobState.RUNNING)) {
                    try {
                        signals = monitorJob(c, jobId, signals, sample);
                    } catch (SQLException | RuntimeException e) {
                        c.rollback(); // one job's trouble must not stop the others being monitored
                        log.warn("monitoring job {} failed (will retry): {}", jobId, e.toString());
                    }
                }
                if (sample) {
                    // finished, paused or cancelled jobs keep their gauges, with their final values
                    for (long jobId : metered.keySet()) {
                        meter(jobId);
                    }
                }
                c.commit();
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                advisoryLock(c, "pg_advisory_unlock");
            }
        }
        if (sample) {
            lastSampleNanos = System.nanoTime();
        }
    }

    /** One job's share of a tick; returns the health signals, read at most once per tick. */
    private HealthMonitor.Signals monitorJob(Connection c, long jobId, HealthMonitor.Signals signals, boolean sample) throws SQLException {
        ThrottleSettings throttle = jobs.throttle(jobId);
        if (throttle.hasHealthSignals()) {
            if (signals == null) {
                signals = HealthMonitor.read(c);
                lastSignals.set(signals);
                c.commit();
            }
            if (judgeHealth(c, jobId, throttle, signals)) {
                return signals; // paused by a critical signal
            }
        }
        publishDue(jobId);
        if (sample) {
            sample(c, jobId);
            meter(jobId);
        }
        completeIfFinished(c, jobId);
        return signals;
    }

    /** Applies the health verdict to a job; true when a critical signal paused it. */
    private boolean judgeHealth(Connection c, long jobId, ThrottleSettings throttle, HealthMonitor.Signals signals) throws SQLException {
        Double probe = null;
        if (throttle.probe() != null) {
            try {
                probe = HealthMonitor.probe(c, throttle.probe());
            } catch (InvalidInputException e) {
                jobs.setHealth(jobId, "throttled: " + e.getMessage());
                return false;
            }
        }
        HealthMonitor.Verdict verdict = HealthMonitor.judge(throttle, signals, probe);
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

    /**
     * Changes a job's throttle while it runs: {@code change}'s set fields replace the current ones ({@code clear}
     * first drops them all). Workers see the change within a second. Bad values are refused, nothing changed.
     */
    public ThrottleSettings throttle(long jobId, ThrottleSettings change, boolean clear, String actor) {
        ThrottleSettings current = clear ? ThrottleSettings.NONE : jobs.throttle(jobId);
        ThrottleSettings next = current.merge(change).validated();
        if (next.probe() != null && (change != null && change.probe() != null)) {
            try (Connection c = dataSource.getConnection()) {
                HealthMonitor.probe(c, next.probe());
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return jobs.setThrottle(jobId, next, actor, (clear ? "cleared; " : "") + Json.write(change == null ? ThrottleSettings.NONE : change)
                .replaceAll(",?\"[a-zA-Z]+\":null", "").replace("{,", "{"));
    }

    private static boolean advisoryLock(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
            ps.setLong(1, MONITOR_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Publishes the chunks of a job that need a request: never published, lease expired, or long unclaimed. */
    void publishDue(long jobId) {
        List<ChunkRequest> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT chunk_no FROM pgbackfill.chunk
                      WHERE job_id = ?
                        AND ((state = 'PENDING' AND (published_at IS NULL OR published_at < now() - ? * interval '1 millisecond'))
                          OR (state = 'RUNNING' AND lease_expires_at < now()
                              AND (published_at IS NULL OR published_at < greatest(lease_expires_at, now() - ? * interval '1 millisecond'))))
                      ORDER BY chunk_no""")) {
            ps.setLong(1, jobId);
            ps.setLong(2, settings.republishPending().toMillis());
            ps.setLong(3, settings.republishPending().toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new ChunkRequest(jobId, rs.getInt(1)));
                }
            }
            if (due.isEmpty()) {
                return;
            }
            List<ChunkRequest> acked = publisher.publish(due);
            try (PreparedStatement mark = c.prepareStatement(
                    "UPDATE pgbackfill.chunk SET published_at = now() WHERE job_id = ? AND chunk_no = ANY (?)")) {
                mark.setLong(1, jobId);
                mark.setArray(2, c.createArrayOf("integer", acked.stream().map(ChunkRequest::chunkNo).toArray()));
                mark.executeUpdate();
            }
            if (acked.size() < due.size()) {
                log.warn("job {}: {} of {} chunk request(s) not acknowledged by Kafka; will retry", jobId, due.size() - acked.size(), due.size());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("publishing chunks of job " + jobId + " failed: " + e.getMessage(), e);
        }
    }

    private void sample(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pgbackfill.job_sample (job_id, rows_done)
                SELECT ?, coalesce(sum(rows_done), 0) FROM pgbackfill.chunk WHERE job_id = ?""")) {
            ps.setLong(1, jobId);
            ps.setLong(2, jobId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM pgbackfill.job_sample WHERE job_id = ? AND at < clock_timestamp() - interval '2 hours'")) {
            ps.setLong(1, jobId);
            ps.executeUpdate();
        }
    }

    /**
     * When no chunk of a job is pending or running: fail it if rows are stuck; otherwise verify that no row of the
     * whole table still matches the predicate (rows inserted into finished chunks' ranges during the run) and
     * either reopen the chunks that have such rows or mark the job SUCCEEDED.
     */
    private void completeIfFinished(Connection c, long jobId) throws SQLException {
        long open;
        long stuck;
        int rounds;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE state IN ('PENDING', 'RUNNING')), coalesce(sum(stuck_rows) FILTER (WHERE state = 'STUCK'), 0),
                       (SELECT verify_rounds FROM pgbackfill.job WHERE id = ?)
                  FROM pgbackfill.chunk WHERE job_id = ?""")) {
            ps.setLong(1, jobId);
            ps.setLong(2, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                open = rs.getLong(1);
                stuck = rs.getLong(2);
                rounds = rs.getInt(3);
            }
        }
        c.commit();
        if (open > 0) {
            return;
        }
        if (stuck > 0) {
            jobs.transition(jobId, JobState.FAILED, "coordinator", stuck + " row(s) stayed locked by other sessions or kept matching the "
                    + "predicate; see stuckRows, release the locks and `resume` the job");
            return;
        }
        // Slice by slice, each query bounded: never one statement over the whole table. First a sequential read of
        // the pages; only when a row still matches, the chunk-by-chunk check that says which chunks to reopen.
        ResolvedSpec spec = jobs.resolvedSpec(jobId);
        BatchSql sql = new BatchSql(spec);
        List<Integer> withRows = anyRowRemainsByPages(c, spec, sql) ? chunksWithRemainingRows(c, jobId, sql) : List.of();
        if (withRows.isEmpty()) {
            if (jobs.transition(jobId, JobState.SUCCEEDED, "coordinator", "every chunk done; no row matches the predicate")) {
                sample(c, jobId);
                c.commit();
                log.info("job {} SUCCEEDED", jobId);
            }
            return;
        }
        if (rounds >= settings.maxVerifyRounds()) {
            jobs.transition(jobId, JobState.FAILED, "coordinator", "rows keep matching the predicate after " + rounds
                    + " verification rounds: is the application still writing rows that need the backfill (add a sync trigger or "
                    + "dual-write), or does --where stay true after the update?");
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE pgbackfill.chunk SET state = 'PENDING', cursor = lo, published_at = NULL, finished_at = NULL, updated_at = now()
                 WHERE job_id = ? AND chunk_no = ANY (?) AND state = 'DONE'""");
             PreparedStatement round = c.prepareStatement("UPDATE pgbackfill.job SET verify_rounds = verify_rounds + 1 WHERE id = ?")) {
            ps.setLong(1, jobId);
            ps.setArray(2, c.createArrayOf("integer", withRows.toArray()));
            ps.executeUpdate();
            round.setLong(1, jobId);
            round.executeUpdate();
        }
        c.commit();
        log.info("job {}: verification found rows still matching in {} chunk(s); reopened them", jobId, withRows.size());
        publishDue(jobId);
    }

    /**
     * Whether any row of the table still matches the job's predicate, read in slices of {@link #VERIFY_SLICE_PAGES}
     * pages by TID range scans: on a freshly backfilled table (old row versions still in the index) this is several
     * times cheaper than walking every chunk's key range through the index. The last slice has no upper bound, so
     * pages added while it runs are read too. Before PostgreSQL 14 (no TID range scan) this answers true, and the
     * chunk-by-chunk check does all the work.
     */
    private boolean anyRowRemainsByPages(Connection c, ResolvedSpec spec, BatchSql sql) throws SQLException {
        if (c.getMetaData().getDatabaseMajorVersion() < 14) {
            return true;
        }
        long pages;
        try (PreparedStatement ps = c.prepareStatement(sql.pages())) {
            ps.setString(1, spec.table().sql());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pages = rs.getLong(1);
            }
        }
        c.commit();
        try (PreparedStatement bounded = c.prepareStatement(sql.remainingInPages(true));
             PreparedStatement open = c.prepareStatement(sql.remainingInPages(false))) {
            for (long first = 0; ; first += VERIFY_SLICE_PAGES) {
                boolean last = first + VERIFY_SLICE_PAGES >= pages;
                PreparedStatement ps = last ? open : bounded;
                ps.setString(1, "(" + first + ",0)");
                if (!last) {
                    ps.setString(2, "(" + (first + VERIFY_SLICE_PAGES) + ",0)");
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        c.commit();
                        return true;
                    }
                }
                c.commit();
                if (last) {
                    return false;
                }
            }
        }
    }

    private List<Integer> chunksWithRemainingRows(Connection c, long jobId, BatchSql sql) throws SQLException {
        List<Integer> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT chunk_no, lo::text, hi::text FROM pgbackfill.chunk WHERE job_id = ? ORDER BY chunk_no")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> lo = rs.getString(2) == null ? null : List.of(Json.read(rs.getString(2), String[].class));
                    List<String> hi = rs.getString(3) == null ? null : List.of(Json.read(rs.getString(3), String[].class));
                    try (PreparedStatement check = c.prepareStatement(sql.remaining(lo != null, hi != null))) {
                        int i = BatchSql.bindRange(check, lo, hi);
                        check.setInt(i, 1);
                        try (ResultSet r = check.executeQuery()) {
                            if (r.next()) {
                                found.add(rs.getInt(1));
                            }
                        }
                    }
                }
            }
        }
        c.commit();
        return found;
    }

    private void failAbandonedPlanning(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM pgbackfill.job WHERE state = 'PLANNING' AND created_at < now() - interval '10 minutes'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                jobs.transition(rs.getLong(1), JobState.FAILED, "coordinator", "planning never finished (coordinator stopped?); launch again");
            }
        }
    }

    @Override
    public void close() {
        chunkDone.close();
        monitor.shutdownNow();
        try {
            monitor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
