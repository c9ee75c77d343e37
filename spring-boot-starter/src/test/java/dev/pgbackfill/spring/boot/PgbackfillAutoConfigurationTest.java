package dev.pgbackfill.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.throttle.ThrottleSettings;
import dev.pgbackfill.worker.Worker;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each condition of the starter's auto-configuration, on real PostgreSQL and Kafka where a bean connects. */
class PgbackfillAutoConfigurationTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            KafkaAutoConfiguration.class, PgbackfillAutoConfiguration.class, PgbackfillClientAutoConfiguration.class,
            PgbackfillActuatorAutoConfiguration.class, PgbackfillBatchHistoryAutoConfiguration.class));

    ApplicationContextRunner withServices() {
        return runner.withPropertyValues("spring.datasource.url=" + db.url(), "spring.kafka.bootstrap-servers=" + TestKafka.bootstrap(),
                "pgbackfill.kafka.topic=" + TestKafka.unique("starter"), "pgbackfill.kafka.group=" + TestKafka.unique("starter"),
                "pgbackfill.kafka.partitions=2");
    }

    @Test
    void nothingConnectsUnlessAWorkerOrTheCoordinatorIsEnabled() {
        withServices().run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(PgbackfillPool.class).doesNotHaveBean(Worker.class)
                    .doesNotHaveBean(Coordinator.class).doesNotHaveBean(BackfillOperations.class);
            assertThat(context).hasSingleBean(PgbackfillEndpoint.class).doesNotHaveBean(PgbackfillHealthIndicator.class);
        });
    }

    @Test
    void aUrlAloneGivesARestClientAndNoEngine() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgbackfillAutoConfiguration.class, PgbackfillClientAutoConfiguration.class))
                .withPropertyValues("pgbackfill.url=http://coordinator:8080", "pgbackfill.token=op").run(context -> {
            assertThat(context).hasSingleBean(BackfillOperations.class).doesNotHaveBean(PgbackfillPool.class);
            assertThat(context.getBean(BackfillOperations.class)).isNotInstanceOf(Coordinator.class);
        });
    }

    @Test
    void aUrlWithoutATokenIsRefusedNamingTheProperty() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgbackfillClientAutoConfiguration.class))
                .withPropertyValues("pgbackfill.url=http://coordinator:8080").run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("pgbackfill.url is set but pgbackfill.token is not"));
    }

    @Test
    void theHealthIndicatorCanBeTurnedOffLikeBootsOwn() {
        withServices().withPropertyValues("pgbackfill.coordinator.enabled=true", "management.health.pgbackfill.enabled=false").run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(PgbackfillPool.class).doesNotHaveBean(PgbackfillHealthIndicator.class));
    }

    @Test
    void batchHistoryRefusesSpringBatchsInMemoryRepositoryWhichHoldsOneJobInstance() {
        withServices().withPropertyValues("pgbackfill.coordinator.enabled=true", "pgbackfill.batch-history.enabled=true")
                .withBean(org.springframework.batch.core.repository.JobRepository.class,
                        org.springframework.batch.core.repository.support.ResourcelessJobRepository::new)
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("ResourcelessJobRepository, which keeps a single "
                        + "job instance in memory"));
    }

    @Test
    void aWorkerWithoutKafkaRefusesToStartNamingThePropertyToSet() {
        // an application without Spring Kafka (with it, spring.kafka.bootstrap-servers defaults to localhost:9092); the
        // in-JVM test broker publishes itself as a system property, blanked here
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PgbackfillAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(KafkaConnectionDetails.class)).withSystemProperties("spring.kafka.bootstrap-servers=")
                .withPropertyValues("spring.datasource.url=" + db.url(), "pgbackfill.worker.enabled=true").run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("no Kafka is configured: set spring.kafka.bootstrap-servers"));
    }

    @Test
    void aWorkerWithoutADatabaseRefusesToStartNamingThePropertyToSet() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgbackfillAutoConfiguration.class))
                .withPropertyValues("pgbackfill.worker.enabled=true", "pgbackfill.kafka.bootstrap-servers=" + TestKafka.bootstrap())
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("no database is configured: set spring.datasource.url (the application's) or pgbackfill.datasource.url"));
    }

    @Test
    void theEngineRunsOnItsOwnPoolToTheApplicationsDatabaseAndLeavesTheApplicationsDataSourceSingle() {
        withServices().withPropertyValues("pgbackfill.worker.enabled=true", "pgbackfill.coordinator.enabled=true").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Worker.class).hasSingleBean(Coordinator.class).hasSingleBean(DataSource.class);
            assertThat(context.getBean(BackfillOperations.class).list()).isEqualTo(context.getBean(Coordinator.class).list());
            assertThat(context.getBean(PgbackfillPool.class).dataSource().getJdbcUrl()).isEqualTo(db.url());
            assertThat(context.getBean(PgbackfillHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
            assertThat(db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'pgbackfill'")).isOne();
        });
    }

    @Test
    void pgbackfillEnabledFalseTurnsEverythingOff() {
        withServices().withPropertyValues("pgbackfill.enabled=false", "pgbackfill.worker.enabled=true", "pgbackfill.url=http://x:1").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(Worker.class).doesNotHaveBean(BackfillOperations.class));
    }

    @Test
    void theApplicationsOwnBeansWin() {
        withServices().withPropertyValues("pgbackfill.coordinator.enabled=true", "pgbackfill.url=http://x:1").withUserConfiguration(OwnClient.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("pgbackfillCoordinator")).isInstanceOf(Coordinator.class);
                    assertThat(context.getBeansOfType(BackfillOperations.class)).containsOnlyKeys("ownOperations");
                });
    }

    @Test
    void pgbackfillsJobsGoToTheApplicationsJobRepositoryWhenAskedFor() {
        ApplicationContextRunner engine = withServices().withPropertyValues("pgbackfill.coordinator.enabled=true").withUserConfiguration(BatchRepository.class);
        engine.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(dev.pgbackfill.springbatch.BatchHistory.class));
        engine.withPropertyValues("pgbackfill.batch-history.enabled=true").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(dev.pgbackfill.springbatch.BatchHistory.class)
                    .hasSingleBean(dev.pgbackfill.springbatch.BackfillJobOperator.class);
            assertThat(context.getBean(dev.pgbackfill.springbatch.BatchHistory.class).sync()).isGreaterThanOrEqualTo(0);
        });
    }

    /** An application's Spring Batch repository, on its own DataSource (the application's). */
    @Configuration(proxyBeanMethods = false)
    static class BatchRepository {
        @Bean
        org.springframework.batch.core.repository.JobRepository jobRepository(DataSource dataSource) throws Exception {
            var schema = new org.springframework.jdbc.datasource.init.ResourceDatabasePopulator(
                    new org.springframework.core.io.ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"));
            schema.setContinueOnError(true); // a second context finds the tables there
            schema.execute(dataSource);
            var factory = new org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean();
            factory.setDataSource(dataSource);
            factory.setTransactionManager(new org.springframework.jdbc.datasource.DataSourceTransactionManager(dataSource));
            factory.afterPropertiesSet();
            return factory.getObject();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        final List<String> calls = new java.util.ArrayList<>();

        @Bean
        BackfillOperations ownOperations() {
            return new BackfillOperations() {
                public long launch(BackfillSpec spec, String actor) {
                    calls.add("launch");
                    return 1;
                }

                public JobStatus status(long jobId) {
                    return null;
                }

                public List<JobStatus> list() {
                    return List.of();
                }

                public boolean pause(long jobId, String actor, String reason) {
                    return false;
                }

                public boolean resume(long jobId, String actor, String reason) {
                    return false;
                }

                public boolean cancel(long jobId, String actor, String reason) {
                    return false;
                }

                public ThrottleSettings throttle(long jobId, ThrottleSettings change, boolean clear, String actor) {
                    return change;
                }
            };
        }
    }
}
