package dev.pgbackfill.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.throttle.ThrottleSettings;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import dev.pgbackfill.worker.throttle.ThrottleController;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
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
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * pgbackfill's own jobs in Spring Batch's JDBC repository, on real PostgreSQL and Kafka: a job stopped and restarted
 * through the operator facade is one instance with a STOPPED and a COMPLETED execution, and its chunk steps' write
 * counts add up to each chunk's rows and to the rows changed, each exactly once.
 */
class BatchHistoryTest {
    static final int ROWS = 40_000;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private HikariDataSource pool;
    private ChunkPublisher publisher;
    private Coordinator coordinator;
    private Worker worker;
    private JobRepository repository;
    private BatchHistory history;

    @BeforeEach
    void cluster() throws Exception {
        db.exec("DROP TABLE IF EXISTS accounts, audit_log; DROP SCHEMA IF EXISTS pgbackfill CASCADE");
        db.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text)");
        db.exec("INSERT INTO accounts SELECT g, 'User' || g || '@Example.COM' FROM generate_series(1, " + ROWS + ") g");
        db.exec("CREATE TABLE audit_log (id bigint NOT NULL)");
        db.exec("CREATE OR REPLACE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NEW; END $$");
        db.exec("CREATE TRIGGER audit AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION audit()");
        pool = Database.open(DbConfig.of(db.url(), null, null), 8, "test");
        ControlSchema.install(pool);
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("chunks"), 4, TestKafka.unique("workers"));
        topic.ensureExists();
        publisher = new ChunkPublisher(topic);
        coordinator = new Coordinator(pool, publisher, new CoordinatorSettings(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(500), 10));
        coordinator.start();
        worker = new Worker(pool, topic, WorkerSettings.defaults(2), new ThrottleController(pool, Clock.systemUTC(), new SimpleMeterRegistry())).start();
        ResourceDatabasePopulator schema = new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-drop-postgresql.sql"),
                new ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"));
        schema.setContinueOnError(true);
        schema.execute(pool);
        JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
        factory.setDataSource(pool);
        factory.setTransactionManager(new DataSourceTransactionManager(pool));
        factory.afterPropertiesSet();
        repository = factory.getObject();
        history = new BatchHistory(pool, repository);
    }

    @AfterEach
    void close() {
        history.close();
        worker.close();
        coordinator.close();
        publisher.close();
        pool.close();
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
