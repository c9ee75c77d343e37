package dev.pgbackfill.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a user's test looks like: the starter's worker and coordinator on containers found through
 * {@code @ServiceConnection}. Needs a Docker engine; without one it is reported as skipped, with the reason.
 */
@ExtendWith(PgbackfillContainersExtension.class)
@SpringBootTest(classes = ServiceConnectionsBackfillTest.App.class, properties = {"spring.main.web-application-type=none",
        "pgbackfill.worker.enabled=true", "pgbackfill.coordinator.enabled=true", "pgbackfill.kafka.partitions=2"})
@Import(PgbackfillServiceConnections.class)
class ServiceConnectionsBackfillTest {
    @SpringBootApplication
    static class App {
    }

    @Autowired
    BackfillOperations backfills;

    @Autowired
    DataSource dataSource;

    @Test
    void aBackfillRunsOnTheContainers() throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text)");
        jdbc.execute("INSERT INTO accounts SELECT g, 'User' || g || '@Example.COM' FROM generate_series(1, 5000) g");

        long id = backfills.launch(BackfillSpec.on("accounts").set("email_lower = lower(email)").build(), "test");
        JobStatus s = backfills.awaitEnd(id, java.time.Duration.ofSeconds(60));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM accounts WHERE email_lower = lower(email)", Long.class)).isEqualTo(5000);
    }
}
