package dev.pgbackfill.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * pgbackfill's own jobs in Spring Batch's JDBC repository, on real PostgreSQL and Kafka: a job stopped and restarted
 * through the operator facade is one instance with a STOPPED and a COMPLETED execution, and its chunk steps' write
 * counts add up to each chunk's rows and to the rows changed, each exactly once.
 */
class BatchHistoryTest {
    static final int ROWS = 40_000;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private Engine engine;
    private Coordinator coordinator;
    private JobRepository repository;
    private BatchHistory history;

    @BeforeEach
    void cluster() throws Exception {
        engine = Engine.start(db, ROWS);
        coordinator = engine.coordinator;
        repository = engine.repository;
        history = new BatchHistory(engine.pool, repository);
    }

    @AfterEach
    void close() {
        history.close();
        engine.close();
    }

    @Test
    void aStoppedAndRestartedJobIsOneInstanceWhoseStepsAddUpToItsChunks() throws Exception {
        ThrottleSettings paced = new ThrottleSettings(10_000.0, null, null, null, null, null, null, null, null, null, null, null);
        long job = coordinator.launch(BackfillSpec.on("accounts").set("email_lower = lower(email)").chunkSize(10_000L).throttle(paced).build(), "test");
        await(() -> db.queryLong("SELECT count(*) FROM audit_log") > 2_000);
        history.sync();
        JobInstance instance = history.instanceOf(job);
        JobExecution first = repository.getLastJobExecution(instance);
        assertThat(first.getStatus()).isEqualTo(BatchStatus.STARTED);
        assertThat(first.getJobParameters().getLong(BatchHistory.JOB_PARAMETER)).isEqualTo(job);
        assertThat(instance.getJobName()).isEqualTo("pgbackfill:" + db.queryString("SELECT target_table FROM pgbackfill.job WHERE id = ?", job));
        BackfillJobOperator operator = new BackfillJobOperator(coordinator.operations(), repository, history);

        assertThat(operator.stop(first.getId())).isTrue();
        await(() -> coordinator.status(job).state() == JobState.PAUSED);
        long second = operator.restart(first.getId());
        await(() -> coordinator.status(job).state().isTerminal());
        history.sync();

        assertThat(coordinator.status(job).state()).isEqualTo(JobState.SUCCEEDED);
        List<JobExecution> executions = repository.getJobExecutions(instance).stream().sorted(Comparator.comparingLong(JobExecution::getId)).toList();
        assertThat(executions).extracting(JobExecution::getStatus).containsExactly(BatchStatus.STOPPED, BatchStatus.COMPLETED);
        assertThat(executions.get(1).getId()).isEqualTo(second);
        Map<String, Long> written = new HashMap<>();
        Map<String, Long> completed = new HashMap<>();
        for (JobExecution e : executions) {
            for (StepExecution s : repository.getJobExecution(e.getId()).getStepExecutions()) {
                written.merge(s.getStepName(), s.getWriteCount(), Long::sum);
                completed.merge(s.getStepName(), s.getStatus() == BatchStatus.COMPLETED ? 1L : 0L, Long::sum);
            }
        }
        Map<String, Long> chunkRows = new HashMap<>();
        for (List<String> row : db.query("SELECT chunk_no, rows_done FROM pgbackfill.chunk WHERE job_id = ?", job)) {
            chunkRows.put(ChunkSteps.stepName(Integer.parseInt(row.get(0))), Long.parseLong(row.get(1)));
        }
        assertThat(written).isEqualTo(chunkRows);
        assertThat(completed.values()).as("every chunk completed exactly once").containsOnly(1L);
        assertThat(written.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ROWS);
        assertThat(db.queryLong("SELECT count(*) FROM audit_log")).isEqualTo(ROWS);
        assertThat(db.queryLong("SELECT count(DISTINCT id) FROM audit_log")).isEqualTo(ROWS);
        assertThat(history.sync()).as("a second sync changes nothing and looks at the finished job once more at most").isLessThanOrEqualTo(1);
        assertThat(repository.getJobExecutions(instance)).hasSize(2);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(50);
        }
    }
}
