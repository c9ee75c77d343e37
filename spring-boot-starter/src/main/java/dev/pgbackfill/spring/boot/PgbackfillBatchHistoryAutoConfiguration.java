package dev.pgbackfill.spring.boot;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.springbatch.BackfillJobOperator;
import dev.pgbackfill.springbatch.BatchHistory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With {@code pgbackfill.batch-history.enabled}, pgbackfill-spring-batch on the classpath and a {@code JobRepository}
 * bean: pgbackfill's jobs appear in the application's Spring Batch tables ({@link BatchHistory}), and a
 * {@link BackfillJobOperator} stops, restarts and abandons them by execution id.
 */
@AutoConfiguration(after = {PgbackfillAutoConfiguration.class, PgbackfillClientAutoConfiguration.class},
        afterName = "org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration")
@ConditionalOnClass(name = {"dev.pgbackfill.springbatch.BatchHistory", "org.springframework.batch.core.repository.JobRepository"})
@ConditionalOnBooleanProperty("pgbackfill.batch-history.enabled")
@ConditionalOnBooleanProperty(name = "pgbackfill.enabled", matchIfMissing = true)
public class PgbackfillBatchHistoryAutoConfiguration {


    @Bean(destroyMethod = "close")
    @ConditionalOnBean({PgbackfillPool.class, org.springframework.batch.core.repository.JobRepository.class})
    @ConditionalOnMissingBean
    BatchHistory pgbackfillBatchHistory(PgbackfillPool pool, org.springframework.batch.core.repository.JobRepository repository,
                                        PgbackfillProperties properties) {
        return new BatchHistory(pool.dataSource(), repository).start(properties.getBatchHistory().getInterval());
    }

    @Bean
    @ConditionalOnBean({BatchHistory.class, BackfillOperations.class})
    @ConditionalOnMissingBean
    BackfillJobOperator pgbackfillJobOperator(BackfillOperations backfills, org.springframework.batch.core.repository.JobRepository repository,
                                              BatchHistory history) {
        return new BackfillJobOperator(backfills, repository, history);
    }
}
