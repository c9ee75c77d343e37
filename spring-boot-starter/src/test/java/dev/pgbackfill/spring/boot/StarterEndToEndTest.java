package dev.pgbackfill.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An application with the starter, a worker and the coordinator in it, on real PostgreSQL and Kafka: a backfill it
 * launches through its {@link BackfillOperations} bean changes every row exactly once, and the worker's meters land
 * in the application's registry.
 */
@SpringBootTest(classes = StarterEndToEndTest.App.class, properties = {"spring.main.web-application-type=none",
        "pgbackfill.worker.enabled=true", "pgbackfill.coordinator.enabled=true", "pgbackfill.kafka.partitions=2"})
class StarterEndToEndTest {
    static final int ROWS = 20_000;
    static final TestDatabase db = new TestDatabase().create("startere2e");

    static {
        db.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text)");
        db.exec("INSERT INTO accounts SELECT g, 'User' || g || '@Example.COM' FROM generate_series(1, " + ROWS + ") g");
        db.exec("CREATE TABLE audit_log (id bigint NOT NULL)");
        db.exec("CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NEW; END $$");
        db.exec("CREATE TRIGGER audit AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION audit()");
    }

    @SpringBootApplication
    static class App {
    }

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        registry.add("pgbackfill.kafka.topic", () -> TestKafka.unique("e2e"));
        registry.add("pgbackfill.kafka.group", () -> TestKafka.unique("e2e"));
    }

    @AfterAll
    static void drop() {
        db.drop();
    }

    @Autowired
    BackfillOperations backfills;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource applicationDataSource;

    @Autowired
    PgbackfillEndpoint endpoint;

    @Autowired
    PgbackfillPool pool;

    @Test
    void aBackfillLaunchedFromTheApplicationChangesEveryRowOnceAndReportsToItsRegistry() throws Exception {
        long id = backfills.launch(BackfillSpec.on("accounts").set("email_lower = lower(email)").where("email_lower IS NULL").build(), "e2e");

        JobStatus done = backfills.awaitEnd(id, Duration.ofSeconds(90));

        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(db.queryLong("SELECT count(*) FROM accounts WHERE email_lower = lower(email)")).isEqualTo(ROWS);
        assertThat(db.queryLong("SELECT count(*) FROM audit_log")).isEqualTo(ROWS);
        assertThat(db.queryLong("SELECT count(DISTINCT id) FROM audit_log")).isEqualTo(ROWS);
        assertThat(meters.get("pgbackfill.rows.applied").counter().count()).isEqualTo(ROWS);
        assertThat(applicationDataSource).as("the application's own pool, not pgbackfill's").isNotSameAs(pool.dataSource());
        assertThat(((HikariDataSource) applicationDataSource).getJdbcUrl()).isEqualTo(pool.dataSource().getJdbcUrl());
        assertThat(endpoint.job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(((Map<?, ?>) endpoint.summary().get("worker")).keySet()).extracting(Object::toString).containsExactlyInAnyOrder("id", "chunksDone", "circuit");
    }
}
