package dev.pgbackfill.springbatch;

import dev.pgbackfill.client.BackfillOperations;
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
 *       checkpoint, and the step ends STOPPED. A stop in this JVM is seen at the next poll; one from another JVM
 *       (through the job repository) within five seconds.</li>
 *   <li><b>Restart</b> finds the id in the context Spring Batch carries over and continues the same job from its
 *       checkpoints (resuming it when paused or failed); it launches a new one only when the old one was
 *       cancelled. A resumed job applies no row twice: each batch commits with its checkpoint.</li>
 * </ul>
 * The engine's lease table stays the source of truth; this step records only its own start, its progress (every five
 * seconds) and its end in Spring Batch's tables, never a batch.
 *
 * <p>Known limit: the id is saved right after {@code launch} returns. If the process dies in between, a restart
 * launches a second job; both converge on the same values when the spec is idempotent (the default predicate is
 * {@code IS DISTINCT FROM} the new value), but a {@code --where} over a non-idempotent {@code SET} is not protected.
 */
public final class BackfillStep extends AbstractStep {
    public static final String JOB_ID = "pgbackfill.jobId";
    public static final String ROWS = "pgbackfill.rows";
    public static final String STUCK_ROWS = "pgbackfill.stuckRows";
    private static final Duration STOP_SAVE_WAIT = Duration.ofSeconds(3);
    private static final Duration REPOSITORY_UPDATE = Duration.ofSeconds(5);

    private final BackfillOperations backfills;
    private final BackfillSpec spec;
    private final Duration pollInterval;
    /** Step executions that {@link #stop} was called for in this JVM (it gets a copy of the running execution). */
    private final Map<Long, Boolean> stopRequested = new ConcurrentHashMap<>();

    BackfillStep(String name, BackfillOperations backfills, BackfillSpec spec, Duration pollInterval) {
        super(name);
        this.backfills = backfills;
        this.spec = spec;
        this.pollInterval = pollInterval;
    }

    @Override
    protected void doExecute(StepExecution step) throws Exception {
        long job = launchOrContinue(step);
        long nextUpdate = System.nanoTime() + REPOSITORY_UPDATE.toNanos();
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
                if ((step.isTerminateOnly() || stopRequested.containsKey(step.getId())) && paused(step, job)) {
                    throw interrupted(step, job);
                }
                if (System.nanoTime() >= nextUpdate) {
                    // progress into BATCH_STEP_EXECUTION, and how a stop from another JVM reaches this one: the repository
                    // sets terminateOnly once the job execution is STOPPING. Not every poll: JobOperator.stop saves its
                    // copy of this execution without a lock (6.0), and each update here is a chance to collide with it
                    getJobRepository().update(step);
                    nextUpdate = System.nanoTime() + REPOSITORY_UPDATE.toNanos();
                }
                Thread.sleep(pollInterval.toMillis());
            }
        } finally {
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

    /** Pauses the job; true once it is paused. False (try again at the next poll) while it cannot be paused yet. */
    private boolean paused(StepExecution step, long job) {
        return backfills.pause(job, actor(step), "Spring Batch stopped step " + getName()) || backfills.status(job).state() == JobState.PAUSED;
    }

    /**
     * Ends the step as STOPPED. {@code JobOperator.stop} (Spring Batch 6.0) saves a copy of this execution after
     * calling {@link #stop}: wait for that copy (a few seconds at most) and take its version, or one of the two
     * updates would be refused as stale and leave the step UNKNOWN.
     */
    private JobInterruptedException interrupted(StepExecution step, long job) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_SAVE_WAIT.toNanos();
        StepExecution stored = getJobRepository().getStepExecution(step.getJobExecutionId(), step.getId());
        while (stored != null && stored.getStatus() != org.springframework.batch.core.BatchStatus.STOPPED && System.nanoTime() < deadline) {
            Thread.sleep(20);
            stored = getJobRepository().getStepExecution(step.getJobExecutionId(), step.getId());
        }
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
        return "spring-batch:" + step.getJobExecution().getJobInstance().getJobName() + "/" + getName() + "#" + step.getId();
    }
}
