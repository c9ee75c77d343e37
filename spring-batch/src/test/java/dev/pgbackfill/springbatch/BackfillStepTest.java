package dev.pgbackfill.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * A Spring Batch job of three steps (a tasklet, a BackfillStep, a tasklet) on real PostgreSQL and Kafka, with
 * Spring Batch's JDBC job repository in the same database.
 */
class BackfillStepTest {
    private static final int ROWS = 60_000;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private Engine engine;
    private HikariDataSource pool;
    private Coordinator coordinator;
    private JobRepository repository;
    private TaskExecutorJobOperator operator;
    private final AtomicInteger before = new AtomicInteger();
    /** Job runs whose thread has ended: Spring Batch reports a stopping execution STOPPED before its step has ended. */
    private final AtomicInteger runsEnded = new AtomicInteger();
    private final AtomicInteger after = new AtomicInteger();

    @BeforeEach
    void cluster() throws Exception {
        engine = Engine.start(db, ROWS);
        pool = engine.pool;
        coordinator = engine.coordinator;
        repository = engine.repository;
        operator = new TaskExecutorJobOperator();
        operator.setJobRepository(repository);
        operator.setTaskExecutor(run -> Thread.ofPlatform().name("batch-", 1).start(() -> {
            try {
                run.run();
            } finally {
                runsEnded.incrementAndGet();
            }
        }));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private Job job(ThrottleSettings throttle) throws Exception {
        return job(throttle, coordinator.operations());
    }

    private Job job(ThrottleSettings throttle, BackfillOperations backfills) throws Exception {
        DataSourceTransactionManager tx = new DataSourceTransactionManager(pool);
        Step first = new StepBuilder("before", repository).tasklet((c, ctx) -> {
            before.incrementAndGet();
            return RepeatStatus.FINISHED;
        }, tx).build();
        Step fill = new BackfillStepBuilder("fillEmailLower", repository)
                .backfills(backfills)
                .spec(BackfillSpec.on("accounts").set("email_lower = lower(email)").batchSize(500).throttle(throttle).build())
                .pollInterval(Duration.ofMillis(100))
                .build();
        Step last = new StepBuilder("after", repository).tasklet((c, ctx) -> {
            after.incrementAndGet();
            return RepeatStatus.FINISHED;
        }, tx).build();
        Job job = new JobBuilder("accounts-migration", repository).start(first).next(fill).next(last).build();
        MapJobRegistry registry = new MapJobRegistry();
        registry.register(job);
        operator.setJobRegistry(registry);
        operator.afterPropertiesSet();
        return job;
    }

    @Test
    void stoppedDuringTheBackfillThenRestartedChangesEveryRowOnceAndRunsTheLastStepOnce() throws Exception {
        Job job = job(rate(15_000)); // about 4 s of work: time to stop it in the middle
        JobExecution first = operator.start(job, new JobParameters());
        await(() -> db.queryLong("SELECT count(*) FROM audit_log") > 0, "the backfill to start");
        operator.stop(first);
        await(() -> runsEnded.get() == 1, "the job to stop");

        JobExecution stopped = repository.getJobExecution(first.getId());
        StepExecution stoppedFill = step(stopped, "fillEmailLower");
        long pgbackfillJob = stoppedFill.getExecutionContext().getLong(BackfillStep.JOB_ID);
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(stoppedFill.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(coordinator.status(pgbackfillJob).state()).isEqualTo(JobState.PAUSED);
        long doneWhenStopped = db.queryLong("SELECT count(*) FROM accounts WHERE email_lower IS NOT NULL");
        assertThat(doneWhenStopped).isBetween(1L, ROWS - 1L);
        assertThat(after.get()).isZero();

        JobExecution restarted = operator.restart(stopped);
        await(() -> runsEnded.get() == 2, "the restarted job to finish");

        JobExecution done = repository.getJobExecution(restarted.getId());
        StepExecution fill = step(done, "fillEmailLower");
        assertThat(done.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(fill.getExecutionContext().getLong(BackfillStep.JOB_ID)).isEqualTo(pgbackfillJob);
        assertThat(fill.getWriteCount()).isEqualTo(ROWS);
        assertThat(fill.getExecutionContext().getLong(BackfillStep.ROWS)).isEqualTo(ROWS);
        assertThat(coordinator.status(pgbackfillJob).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.job")).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM accounts WHERE email_lower IS DISTINCT FROM lower(email)")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM (SELECT id FROM audit_log GROUP BY id HAVING count(*) <> 1) x")).isZero();
        assertThat(db.queryLong("SELECT count(DISTINCT id) FROM audit_log")).isEqualTo(ROWS);
        assertThat(before.get()).as("a completed step is not run again").isEqualTo(1);
        assertThat(after.get()).isEqualTo(1);
    }

    @Test
    void aCancelledBackfillFailsTheStepWithItsReasonAndARestartLaunchesANewOne() throws Exception {
        Job job = job(rate(2_000));
        JobExecution execution = operator.start(job, new JobParameters());
        await(() -> db.queryLong("SELECT count(*) FROM pgbackfill.job WHERE state = 'RUNNING'") > 0, "the backfill to run");
        long pgbackfillJob = db.queryLong("SELECT max(id) FROM pgbackfill.job");
        coordinator.cancel(pgbackfillJob, "test", "wrong column");
        await(() -> runsEnded.get() == 1, "the job to end");

        JobExecution ended = repository.getJobExecution(execution.getId());
        StepExecution fill = step(ended, "fillEmailLower");
        assertThat(ended.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(fill.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(fill.getExitStatus().getExitDescription()).contains("pgbackfill job " + pgbackfillJob, "ended CANCELLED");
        assertThat(after.get()).isZero();

        JobExecution restarted = operator.restart(ended);
        await(() -> db.queryLong("SELECT count(*) FROM pgbackfill.job") == 2, "a new backfill to be launched");
        coordinator.throttle(db.queryLong("SELECT max(id) FROM pgbackfill.job"), ThrottleSettings.NONE, true, "test"); // no need to wait 30 s
        await(() -> runsEnded.get() == 2, "the restarted job to finish");

        StepExecution again = step(repository.getJobExecution(restarted.getId()), "fillEmailLower");
        assertThat(repository.getJobExecution(restarted.getId()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(again.getExecutionContext().getLong(BackfillStep.JOB_ID)).isNotEqualTo(pgbackfillJob);
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.job")).isEqualTo(2);
        assertThat(db.queryLong("SELECT count(*) FROM accounts WHERE email_lower IS DISTINCT FROM lower(email)")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM (SELECT id FROM audit_log GROUP BY id HAVING count(*) <> 1) x")).isZero();
        assertThat(after.get()).isEqualTo(1);
    }

    @Test
    void overTheRestApiTheStepRunsTheBackfillToCompletion() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        var api = dev.pgbackfill.coordinator.api.CoordinatorApplication.start(coordinator,
                new dev.pgbackfill.coordinator.api.ApiTokens(java.util.List.of("op-token"), java.util.List.of()), port, java.util.Map.of());
        try {
            Job job = job(ThrottleSettings.NONE, BackfillOperations.over("http://127.0.0.1:" + port, "op-token"));
            JobExecution execution = operator.start(job, new JobParameters());
            await(() -> runsEnded.get() == 1, "the job to end");

            StepExecution fill = step(repository.getJobExecution(execution.getId()), "fillEmailLower");
            assertThat(repository.getJobExecution(execution.getId()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(fill.getWriteCount()).isEqualTo(ROWS);
            assertThat(db.queryLong("SELECT count(*) FROM accounts WHERE email_lower IS DISTINCT FROM lower(email)")).isZero();
            assertThat(db.queryString("SELECT state FROM pgbackfill.job")).isEqualTo("SUCCEEDED");
            assertThat(after.get()).isEqualTo(1);
        } finally {
            api.close();
        }
    }

    private static ThrottleSettings rate(double rowsPerSecond) {
        return new ThrottleSettings(rowsPerSecond, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static StepExecution step(JobExecution execution, String name) {
        return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals(name)).findFirst().orElseThrow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
