package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What Prometheus scrapes: every metric with its HELP text, a job's state and table, worker counters at zero from the start. */
class MetricsTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void aJobsGaugesCarryHelpItsStateAndItsTableEvenWhenItRunsBriefly() throws Exception {
        db.exec("CREATE TABLE mt (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO mt SELECT g, g FROM generate_series(1, 500) g");
        PrometheusMeterRegistry coordinator = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry worker = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Cluster cluster = new Cluster(db)) {
            cluster.coordinator.bindMetrics(coordinator);
            cluster.workers.add(new Worker(cluster.dataSource, cluster.topic, WorkerSettings.defaults(1), worker).start());
            String before = worker.scrape();
            long job = cluster.launch(BackfillSpec.on("mt").set("b = a + 1").build());

            assertThat(cluster.awaitFinished(job, Duration.ofSeconds(60)).state()).isEqualTo(JobState.SUCCEEDED);
            Thread.sleep(2_500); // a sample refreshes the finished job's gauges

            assertThat(before).contains("# HELP pgbackfill_batch_retries_total batches retried after a transient error").contains("pgbackfill_batch_retries_total 0.0");
            assertThat(coordinator.scrape())
                    .contains("# HELP pgbackfill_job_state 0 planning, 1 running, 2 paused, 3 succeeded, 4 failed, 5 cancelled")
                    .contains("pgbackfill_job_state{job=\"" + job + "\",table=\"\\\"public\\\".\\\"mt\\\"\"} 3.0")
                    .contains("pgbackfill_job_rows_done{job=\"" + job + "\",table=\"\\\"public\\\".\\\"mt\\\"\"} 500.0")
                    .contains("# HELP pgbackfill_health_lock_waiters application sessions waiting on locks that pgbackfill holds");
            assertThat(worker.scrape()).contains("# HELP pgbackfill_rows_applied_total rows changed by committed batches");
        }
    }
}
