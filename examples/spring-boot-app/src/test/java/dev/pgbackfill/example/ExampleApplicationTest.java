package dev.pgbackfill.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example as shipped, on real PostgreSQL and Kafka: its start-up backfill fills every row. */
@SpringBootTest(properties = "pgbackfill.kafka.partitions=2")
class ExampleApplicationTest {
    static final TestDatabase db = new TestDatabase().create("example");

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        registry.add("pgbackfill.kafka.topic", () -> TestKafka.unique("example"));
        registry.add("pgbackfill.kafka.group", () -> TestKafka.unique("example"));
    }

    @AfterAll
    static void drop() {
        db.drop();
    }

    @Autowired
    BackfillOperations backfills;

    @Test
    void theBackfillLaunchedOnStartUpFillsEveryRow() throws Exception {
        List<JobStatus> jobs = backfills.list();
        assertThat(jobs).hasSize(1);
        JobStatus job = backfills.awaitEnd(jobs.getFirst().id(), java.time.Duration.ofSeconds(90));

        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(db.queryLong("SELECT count(*) FROM accounts WHERE email_lower = lower(email)")).isEqualTo(50_000);
    }

    @Test
    void theApplicationDoesNotServePgbackfillsDashboard() {
        // Boot serves classpath:/static/ of every jar: the coordinator's dashboard lives elsewhere, for its own API only
        assertThat(getClass().getResource("/static/index.html")).isNull();
        assertThat(getClass().getResource("/pgbackfill-dashboard/index.html")).isNotNull();
    }
}
