package dev.pgbackfill.springbatch;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * What the Spring Batch tests run on: {@code accounts} with an audit trigger (every UPDATE of a row is logged), a
 * coordinator and a two-thread worker with the real throttle on real PostgreSQL and Kafka, and Spring Batch's JDBC
 * repository in the same database, all fresh for each test.
 */
final class Engine implements AutoCloseable {
    final HikariDataSource pool;
    final Coordinator coordinator;
    final JobRepository repository;
    private final ChunkPublisher publisher;
    private final Worker worker;

    private Engine(HikariDataSource pool, ChunkPublisher publisher, Coordinator coordinator, Worker worker, JobRepository repository) {
        this.pool = pool;
        this.publisher = publisher;
        this.coordinator = coordinator;
        this.worker = worker;
        this.repository = repository;
    }

    static Engine start(TestDatabase db, int rows) throws Exception {
        db.exec("DROP TABLE IF EXISTS accounts, audit_log; DROP SCHEMA IF EXISTS pgbackfill CASCADE");
        db.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text)");
        db.exec("INSERT INTO accounts SELECT g, 'User' || g || '@Example.COM' FROM generate_series(1, " + rows + ") g");
        db.exec("CREATE TABLE audit_log (id bigint NOT NULL)");
        db.exec("CREATE OR REPLACE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NEW; END $$");
        db.exec("CREATE TRIGGER audit AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION audit()");
        HikariDataSource pool = Database.open(DbConfig.of(db.url(), null, null), 8, "test");
        ControlSchema.install(pool);
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("chunks"), 4, TestKafka.unique("workers"));
        topic.ensureExists();
        ChunkPublisher publisher = new ChunkPublisher(topic);
        Coordinator coordinator = new Coordinator(pool, publisher, new CoordinatorSettings(Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofMillis(500), 10));
        coordinator.start();
        Worker worker = new Worker(pool, topic, WorkerSettings.defaults(2), new SimpleMeterRegistry()).start();
        return new Engine(pool, publisher, coordinator, worker, jdbcRepository(pool));
    }

    private static JobRepository jdbcRepository(HikariDataSource pool) throws Exception {
        ResourceDatabasePopulator schema = new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-drop-postgresql.sql"),
                new ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"));
        schema.setContinueOnError(true); // the drop script's first run finds nothing to drop
        schema.execute(pool);
        JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
        factory.setDataSource(pool);
        factory.setTransactionManager(new DataSourceTransactionManager(pool));
        factory.afterPropertiesSet();
        return factory.getObject();
    }

    @Override
    public void close() {
        worker.close();
        coordinator.close();
        publisher.close();
        pool.close();
    }
}
