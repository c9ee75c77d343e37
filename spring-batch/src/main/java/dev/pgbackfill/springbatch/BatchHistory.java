package dev.pgbackfill.springbatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pgbackfill's own jobs in Spring Batch's tables, for Spring Batch tooling and {@code BATCH_*} dashboards: each job is a
 * job instance ({@code pgbackfill:<table>}, identified by the parameter {@code pgbackfill.job}), each run an execution
 * ({@link JobRuns}), each chunk a partition step execution ({@link ChunkSteps}). Written through the application's own
 * {@link JobRepository}, at lifecycle and chunk transitions only, never per batch: a sync compares pgbackfill's
 * tables with what the repository holds and writes the differences, so it is idempotent and catches up after a
 * restart. The lease table stays the engine (docs/architecture.md says why); this is a view of it.
 */
public final class BatchHistory implements AutoCloseable {
    public static final String JOB_PARAMETER = "pgbackfill.job";
    private static final Logger log = LoggerFactory.getLogger(BatchHistory.class);
    private static final String JOBS = "SELECT id, state, target_table, spec->>'set', updated_at FROM pgbackfill.job "
            + "WHERE state <> 'PLANNING' AND (updated_at >= ? OR state = 'RUNNING' OR id = ANY (?)) ORDER BY id";
    /** pg_advisory_lock key of the sync: "pgbf-hst" in ASCII. */
    private static final long LOCK_KEY = 0x706762662d687374L;
    /** BATCH_JOB_INSTANCE.JOB_NAME and BATCH_JOB_EXECUTION_PARAMS.PARAMETER_VALUE hold 100 and 2500 characters. */
    private static final int MAX_JOB_NAME = 100;
    private static final int MAX_PARAMETER = 2500;
    private static final String EVENTS = "SELECT at, from_state, to_state, reason FROM pgbackfill.job_event WHERE job_id = ? AND kind = 'state' ORDER BY id";

    private final DataSource pgbackfill;
    private final JobRepository repository;
    private final ChunkSteps chunks;
    private Timestamp watermark = new Timestamp(0);
    /** Jobs whose last execution was left STARTED (or whose recording failed): looked at again whatever their updated_at. */
    private final java.util.Set<Long> open = new java.util.HashSet<>();
    private ScheduledExecutorService timer;

    /**
     * {@code pgbackfill}: a pool on the database that holds pgbackfill's control schema (read here, never written).
     * Refuses Spring Batch's in-memory {@code ResourcelessJobRepository}: it holds one job instance, which pgbackfill's
     * jobs would overwrite.
     */
    public BatchHistory(DataSource pgbackfill, JobRepository repository) {
        if (repository instanceof org.springframework.batch.core.repository.support.ResourcelessJobRepository) {
            throw new IllegalArgumentException("the JobRepository is Spring Batch's ResourcelessJobRepository, which keeps a single job instance "
                    + "in memory: pgbackfill's jobs would overwrite the application's own. Configure a JDBC job repository "
                    + "(@EnableJdbcJobRepository, or spring-boot-starter-batch-jdbc in a Boot application), or turn pgbackfill.batch-history.enabled off");
        }
        this.pgbackfill = pgbackfill;
        this.repository = repository;
        this.chunks = new ChunkSteps(repository);
    }

    /** Syncs every {@code interval} on a daemon thread, until {@link #close}. */
    public BatchHistory start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("pgbackfill-batch-history").unstarted(r));
        timer.scheduleWithFixedDelay(() -> {
            try {
                sync();
            } catch (RuntimeException | SQLException e) {
                log.warn("syncing pgbackfill jobs into Spring Batch's repository failed (next try in {}): {}", interval, e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Brings the repository up to date with pgbackfill's jobs; returns how many jobs were looked at. One sync at a
     * time across every application that records into the same repository (an advisory lock on pgbackfill's
     * database), so two replicas never record one run twice; a sync that finds the lock taken does nothing.
     */
    public synchronized int sync() throws SQLException {
        try (Connection c = pgbackfill.getConnection()) {
            if (!lock(c, "pg_try_advisory_lock")) {
                return 0;
            }
            try {
                return syncLocked(c);
            } finally {
                lock(c, "pg_advisory_unlock");
            }
        }
    }

    /** A pgbackfill job as the sync reads it: its id, target table and SET expressions. */
    private record JobRow(long id, String table, String set) {
    }

    private int syncLocked(Connection c) throws SQLException {
        Timestamp started = dbNowLessAMinute(c); // the database's clock, with room for transitions still committing
        List<JobRow> jobs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(JOBS)) {
            ps.setTimestamp(1, watermark);
            ps.setArray(2, c.createArrayOf("bigint", open.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(new JobRow(rs.getLong(1), rs.getString(3), rs.getString(4)));
                }
            }
        }
        for (JobRow job : jobs) {
            long jobId = job.id();
            try {
                boolean stillOpen = syncJob(c, jobId, job.table(), job.set());
                if (stillOpen) {
                    open.add(jobId);
                } else {
                    open.remove(jobId);
                }
            } catch (RuntimeException e) {
                open.add(jobId); // try it again next time; the other jobs go on
                log.warn("recording pgbackfill job {} in Spring Batch's repository failed: {}", jobId, e.toString());
            }
        }
        watermark = started;
        return jobs.size();
    }

    private static boolean lock(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Timestamp dbNowLessAMinute(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp() - interval '1 minute'"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** The job instance of a pgbackfill job, or null when it has not been synced yet (or there is no such job). */
    public JobInstance instanceOf(long jobId) throws SQLException {
        try (Connection c = pgbackfill.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT target_table FROM pgbackfill.job WHERE id = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? repository.getJobInstance(jobName(rs.getString(1)), parameters(jobId, null)) : null;
            }
        }
    }

    static String jobName(String table) {
        String name = "pgbackfill:" + table;
        return name.length() <= MAX_JOB_NAME ? name : name.substring(0, MAX_JOB_NAME - 9) + "~" + Integer.toHexString(name.hashCode());
    }

    private static JobParameters parameters(long jobId, String set) {
        JobParametersBuilder b = new JobParametersBuilder().addLong(JOB_PARAMETER, jobId, true);
        String shown = set == null || set.length() <= MAX_PARAMETER ? set : set.substring(0, MAX_PARAMETER - 1) + "…";
        return shown == null ? b.toJobParameters() : b.addString("pgbackfill.set", shown, false).toJobParameters();
    }

    /** Records one job; true when its latest execution is still STARTED (a run in progress). */
    private boolean syncJob(Connection c, long jobId, String table, String set) throws SQLException {
        List<JobRuns.Run> runs = JobRuns.from(events(c, jobId));
        if (runs.isEmpty()) {
            return false;
        }
        JobParameters params = parameters(jobId, set);
        JobInstance instance = repository.getJobInstance(jobName(table), params);
        if (instance == null) {
            instance = repository.createJobInstance(jobName(table), params);
        }
        List<JobExecution> executions = new ArrayList<>(repository.getJobExecutions(instance));
        executions.sort(java.util.Comparator.comparingLong(JobExecution::getId));
        for (int i = 0; i < runs.size(); i++) {
            JobRuns.Run run = runs.get(i);
            JobExecution e = executionOf(run, executions);
            if (e == null) {
                e = repository.createJobExecution(instance, params, new ExecutionContext());
                e.setStartTime(run.start());
                e.setStatus(org.springframework.batch.core.BatchStatus.STARTED);
                repository.update(e);
                executions.add(e);
            }
            if (e.getStatus() == org.springframework.batch.core.BatchStatus.STARTED) {
                // the latest run records its chunks; an earlier one (a run this mirror missed the end of) closes what it left open
                chunks.sync(c, jobId, e, executions, run, i == runs.size() - 1);
            }
            if (e.getStatus() != run.status()) {
                end(e, run);
            }
        }
        return runs.getLast().end() == null;
    }

    /** A run's execution, matched by its start time (so a run recorded twice, or out of order, is still found once). */
    private static JobExecution executionOf(JobRuns.Run run, List<JobExecution> executions) {
        return executions.stream().filter(e -> run.start().equals(e.getStartTime())).findFirst().orElse(null);
    }

    private void end(JobExecution e, JobRuns.Run run) {
        e.setStatus(run.status());
        e.setEndTime(run.end());
        e.setExitStatus(new org.springframework.batch.core.ExitStatus(run.status().name(), run.reason() == null ? "" : run.reason()));
        repository.update(e);
    }

    private static List<JobRuns.StateEvent> events(Connection c, long jobId) throws SQLException {
        List<JobRuns.StateEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(EVENTS)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobRuns.StateEvent(rs.getTimestamp(1).toLocalDateTime(), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return out;
    }

    static LocalDateTime time(Timestamp t) {
        return t == null ? null : t.toLocalDateTime();
    }

    /** Stops the timer and waits (up to 10 s) for a sync in progress, so it never outlives the pools it uses. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                    timer.shutdownNow();
                }
            } catch (InterruptedException e) {
                timer.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
