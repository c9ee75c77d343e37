package dev.pgbackfill.springbatch;

import dev.pgbackfill.client.BackfillOperations;
import java.sql.SQLException;
import java.util.Comparator;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;

/**
 * Spring Batch's operator verbs on the executions {@link BatchHistory} records: stop pauses the pgbackfill job within
 * one batch, restart resumes it from its checkpoints (a new execution of the same instance), abandon cancels it. The
 * pgbackfill job is found through the execution's {@code pgbackfill.job} parameter; the history is synced after each
 * verb, so the repository shows its effect at once.
 */
public final class BackfillJobOperator {
    private final BackfillOperations backfills;
    private final JobRepository repository;
    private final BatchHistory history;

    public BackfillJobOperator(BackfillOperations backfills, JobRepository repository, BatchHistory history) {
        this.backfills = backfills;
        this.repository = repository;
        this.history = history;
    }

    /** Like {@code JobOperator.stop}: false when the job was not running. */
    public boolean stop(long executionId) throws SQLException {
        boolean paused = backfills.pause(jobOf(executionId), "spring-batch", "stopped through Spring Batch (execution " + executionId + ")");
        history.sync();
        return paused;
    }

    /** Like {@code JobOperator.restart}: resumes the job and returns the new execution's id. */
    public long restart(long executionId) throws SQLException {
        JobExecution stopped = execution(executionId);
        long job = jobOf(executionId);
        if (!backfills.resume(job, "spring-batch", "restarted through Spring Batch (execution " + executionId + ")")) {
            throw new IllegalStateException("pgbackfill job " + job + " of execution " + executionId + " is " + backfills.status(job).state()
                    + ", not paused or failed: only those can be restarted");
        }
        history.sync();
        return repository.getJobExecutions(stopped.getJobInstance()).stream().max(Comparator.comparingLong(JobExecution::getId)).orElseThrow().getId();
    }

    /** Like {@code JobOperator.abandon}: the job is cancelled and stays ended. */
    public boolean abandon(long executionId) throws SQLException {
        boolean cancelled = backfills.cancel(jobOf(executionId), "spring-batch", "abandoned through Spring Batch (execution " + executionId + ")");
        history.sync();
        return cancelled;
    }

    private long jobOf(long executionId) {
        Long job = execution(executionId).getJobParameters().getLong(BatchHistory.JOB_PARAMETER);
        if (job == null) {
            throw new IllegalArgumentException("execution " + executionId + " is not a pgbackfill job's (it has no " + BatchHistory.JOB_PARAMETER
                    + " parameter)");
        }
        return job;
    }

    private JobExecution execution(long executionId) {
        JobExecution e = repository.getJobExecution(executionId);
        if (e == null) {
            throw new IllegalArgumentException("no job execution " + executionId + " in the repository");
        }
        return e;
    }
}
