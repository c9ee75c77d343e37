package dev.pgbackfill.springbatch;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * A pgbackfill job as one step of a Spring Batch job. Build it with {@link BackfillStepBuilder}.
 *
 * <p>Contract:
 * <ul>
 *   <li><b>Execute</b> launches the job (its id goes into the step's execution context at once, under
 *       {@link #JOB_ID}) and waits for it, reporting rows into the write count and the context
 *       ({@link #ROWS}, {@link #STUCK_ROWS}) about once per poll interval. SUCCEEDED completes the step; FAILED
 *       or CANCELLED fails it with a {@link BackfillStepException} that carries the reason.</li>
 *   <li><b>Stop</b> ({@code JobOperator.stop}) pauses the job: every worker stops within one batch, at its
 *       checkpoint, and the step ends STOPPED.</li>
 *   <li><b>Restart</b> finds the id in the context Spring Batch carries over and continues the same job from its
 *       checkpoints (resuming it when paused or failed); it launches a new one only when the old one was
 *       cancelled. Rows are never applied twice: each batch commits with its checkpoint.</li>
 * </ul>
 * The engine's lease table stays the source of truth; this step records only its own start, progress and end in
 * Spring Batch's tables, never a batch.
 */
public final class BackfillStep extends AbstractStep {
    public static final String JOB_ID = "pgbackfill.jobId";
    public static final String ROWS = "pgbackfill.rows";
    public static final String STUCK_ROWS = "pgbackfill.stuckRows";

    private final Backfills backfills;
    private final BackfillSpec spec;
    private final Duration pollInterval;
    /** Step execution id → its pgbackfill job, for {@link #stop}, which gets a copy of the execution. */
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> stopRequested = new ConcurrentHashMap<>();

    BackfillStep(String name, Backfills backfills, BackfillSpec spec, Duration pollInterval) {
        super(name);
        this.backfills = backfills;
        this.spec = spec;
        this.pollInterval = pollInterval;
    }

    @Override
    protected void doExecute(StepExecution step) throws Exception {
        long job = launchOrContinue(step);
        running.put(step.getId(), job);
        try {
            while (true) {
                JobStatus status = backfills.status(job);
                report(step, status);
                if (status.state() == JobState.SUCCEEDED) {
                    return;
                }
                if (status.state() == JobState.FAILED || status.state() == JobState.CANCELLED) {
                    throw new BackfillStepException(status);
                }
                if (step.isTerminateOnly() || stopRequested.containsKey(step.getId())) {
                    throw interrupted(step, job);
                }
                Thread.sleep(pollInterval.toMillis());
            }
        } finally {
            running.remove(step.getId());
            stopRequested.remove(step.getId());
        }
    }

    /** The job this execution waits for: the one in the context (a restart), or a new one. */
    private long launchOrContinue(StepExecution step) {
        ExecutionContext context = step.getExecutionContext();
        if (context.containsKey(JOB_ID)) {
            long job = context.getLong(JOB_ID);
            JobState state = backfills.status(job).state();
            if (state == JobState.PAUSED || state == JobState.FAILED) {
                backfills.resume(job, actor(step), "Spring Batch restarted step " + getName());
            }
            if (state != JobState.CANCELLED) {
                return job;
            }
        }
        long job = backfills.launch(spec, actor(step));
        context.putLong(JOB_ID, job);
        getJobRepository().updateExecutionContext(step); // before anything can stop it: a restart must find this id
        return job;
    }

    private static void report(StepExecution step, JobStatus status) {
        step.setWriteCount(status.rowsDone());
        step.getExecutionContext().putLong(ROWS, status.rowsDone());
        step.getExecutionContext().putLong(STUCK_ROWS, status.stuckRows());
    }

    /**
     * Pauses the job and ends the step as STOPPED. {@code JobOperator.stop} has written a copy of this execution
     * meanwhile: take its version, or the step's last update would be refused as stale.
     */
    private JobInterruptedException interrupted(StepExecution step, long job) {
        backfills.pause(job, actor(step), "Spring Batch stopped step " + getName());
        StepExecution stored = getJobRepository().getStepExecution(step.getJobExecutionId(), step.getId());
        if (stored != null) {
            step.setVersion(stored.getVersion());
        }
        return new JobInterruptedException("step " + getName() + " stopped: pgbackfill job " + job
                + " is paused at its checkpoints; restart the job to resume it");
    }

    /** Called by {@code JobOperator.stop} on another thread: the running execution pauses its job at its next poll. */
    @Override
    public void stop(StepExecution stepExecution) {
        stopRequested.put(stepExecution.getId(), Boolean.TRUE);
        super.stop(stepExecution);
    }

    private String actor(StepExecution step) {
        return "spring-batch:" + step.getJobExecution().getJobInstance().getJobName() + "/" + getName();
    }
}
