package dev.pgbackfill.spring.boot;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * The engine inside the application, when asked for: a worker ({@code pgbackfill.worker.enabled}) and the coordinator
 * ({@code pgbackfill.coordinator.enabled}), on pgbackfill's own pool to the application's database and on the
 * application's broker ({@link ConnectionSettings}). Meters go to the application's registry. Every bean backs off
 * when the application defines its own of that type.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "pgbackfill.enabled", matchIfMissing = true)
@Conditional(PgbackfillAutoConfiguration.EngineEnabled.class)
@EnableConfigurationProperties(PgbackfillProperties.class)
public class PgbackfillAutoConfiguration {

    /** A worker or the coordinator is enabled: only then does pgbackfill open a pool and reach Kafka. */
    static final class EngineEnabled extends AnyNestedCondition {
        EngineEnabled() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBooleanProperty("pgbackfill.worker.enabled")
        static final class WorkerEnabled {
        }

        @ConditionalOnBooleanProperty("pgbackfill.coordinator.enabled")
        static final class CoordinatorEnabled {
        }
    }

    /**
     * pgbackfill's own pool: every connection runs with its lock_timeout and statement_timeout, and its size follows
     * the worker's threads, so the application's pool is neither borrowed nor starved. The control schema is
     * installed (or migrated) before anything uses it.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PgbackfillPool pgbackfillPool(PgbackfillProperties properties, BeanFactory beans, Environment env) {
        ConnectionSettings.Database db = ConnectionSettings.database(properties.getDatasource(), beans, env);
        int size = properties.getDatasource().getPoolSize() > 0 ? properties.getDatasource().getPoolSize() : defaultPoolSize(properties);
        HikariDataSource pool = Database.open(new DbConfig(db.url(), db.username(), db.password(), properties.getLockTimeout(),
                properties.getStatementTimeout()), size, "spring");
        try {
            ControlSchema.install(pool);
            return new PgbackfillPool(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * What the CLI gives each part: the worker its threads plus two (claims, heartbeats, the throttle), the coordinator
     * eight (its LISTEN connection, the monitor, planning), one for the batch history and health checks.
     */
    static int defaultPoolSize(PgbackfillProperties p) {
        return (p.getWorker().isEnabled() ? p.getWorker().getThreads() + 2 : 0) + (p.getCoordinator().isEnabled() ? 8 : 0) + 2;
    }

    /** Nothing else refers to the worker or the coordinator: with lazy initialization they would never start. */
    @Bean
    static org.springframework.boot.LazyInitializationExcludeFilter pgbackfillStartsEagerly() {
        return org.springframework.boot.LazyInitializationExcludeFilter.forBeanTypes(Worker.class, Coordinator.class);
    }

    @Bean
    @ConditionalOnMissingBean
    ChunkTopic pgbackfillChunkTopic(PgbackfillProperties properties, BeanFactory beans, Environment env) {
        PgbackfillProperties.Kafka kafka = properties.getKafka();
        return new ChunkTopic(ConnectionSettings.kafka(kafka, beans, env), kafka.getTopic(), kafka.getPartitions(), kafka.getGroup());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnBooleanProperty("pgbackfill.coordinator.enabled")
    @ConditionalOnMissingBean
    ChunkPublisher pgbackfillChunkPublisher(ChunkTopic topic) {
        topic.ensureExists();
        return new ChunkPublisher(topic);
    }

    /** The coordinator (planning, publishing, watching); the client bean acts on it ({@link PgbackfillClientAutoConfiguration}). */
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnBooleanProperty("pgbackfill.coordinator.enabled")
    @ConditionalOnMissingBean
    Coordinator pgbackfillCoordinator(PgbackfillPool pool, ChunkPublisher publisher, ObjectProvider<MeterRegistry> meters) {
        Coordinator coordinator = new Coordinator(pool.dataSource(), publisher, CoordinatorSettings.defaults());
        coordinator.bindMetrics(meters.getIfAvailable(SimpleMeterRegistry::new));
        return coordinator;
    }

    /** A worker: on shutdown its running chunks stop after their batch and are released at their checkpoints. */
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnBooleanProperty("pgbackfill.worker.enabled")
    @ConditionalOnMissingBean
    Worker pgbackfillWorker(PgbackfillPool pool, ChunkTopic topic, PgbackfillProperties properties,
                            ObjectProvider<MeterRegistry> meters) {
        WorkerSettings settings = WorkerSettings.defaults(properties.getWorker().getThreads()).withLease(properties.getWorker().getLease())
                .withLockTimeout(properties.getLockTimeout());
        return new Worker(pool.dataSource(), topic, settings, meters.getIfAvailable(SimpleMeterRegistry::new));
    }
}
