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
            + "WHERE state <> 'PLANNING' AND (updated_at >= ? OR state IN ('RUNNING', 'PAUSED')) ORDER BY id";
    private static final String EVENTS = "SELECT at, from_state, to_state, reason FROM pgbackfill.job_event WHERE job_id = ? AND kind = 'state' ORDER BY id";

    private final DataSource pgbackfill;
    private final JobRepository repository;
    private final ChunkSteps chunks;
    private Timestamp watermark = new Timestamp(0);
    private ScheduledExecutorService timer;

    /** {@code pgbackfill}: a pool on the database that holds pgbackfill's control schema (read here, never written). */
    public BatchHistory(DataSource pgbackfill, JobRepository repository) {
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

    /** Brings the repository up to date with pgbackfill's jobs; returns how many jobs were looked at. */
    public synchronized int sync() throws SQLException {
        Timestamp started = new Timestamp(System.currentTimeMillis() - 5_000); // clock skew and in-flight commits
        int seen = 0;
        try (Connection c = pgbackfill.getConnection(); PreparedStatement ps = c.prepareStatement(JOBS)) {
            ps.setTimestamp(1, watermark);
            List<long[]> ids = new ArrayList<>();
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(new long[] {rs.getLong(1)});
                    rows.add(new String[] {rs.getString(3), rs.getString(4)});
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                syncJob(c, ids.get(i)[0], rows.get(i)[0], rows.get(i)[1]);
                seen++;
            }
        }
        watermark = started;
        return seen;
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
        return "pgbackfill:" + table;
    }

    private static JobParameters parameters(long jobId, String set) {
        JobParametersBuilder b = new JobParametersBuilder().addLong(JOB_PARAMETER, jobId, true);
        return set == null ? b.toJobParameters() : b.addString("pgbackfill.set", set, false).toJobParameters();
    }

    private void syncJob(Connection c, long jobId, String table, String set) throws SQLException {
        List<JobRuns.Run> runs = JobRuns.from(events(c, jobId));
        if (runs.isEmpty()) {
            return;
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
            if (i == executions.size()) {
                JobExecution e = repository.createJobExecution(instance, params, new ExecutionContext());
                e.setStartTime(run.start());
                e.setStatus(org.springframework.batch.core.BatchStatus.STARTED);
                repository.update(e);
                executions.add(e);
            }
            JobExecution e = executions.get(i);
            if (i == runs.size() - 1 && e.getStatus() == org.springframework.batch.core.BatchStatus.STARTED) {
                chunks.sync(c, jobId, e, executions, run);
            }
            if (e.getStatus() != run.status()) {
                end(e, run);
            }
        }
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

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
