package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.migrate.run.BackfillRunner;
import dev.pgbackfill.spec.BackfillSpec;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Backfills for the migrations engine: a coordinator and workers in this process, started on first use (a
 * revision set without backfills never starts Kafka). With {@code workers == 0} jobs are only launched, for the
 * workers of a running cluster on the same --kafka.
 */
final class ClusterBackfills implements BackfillRunner, AutoCloseable {
    private final HikariDataSource dataSource;
    private final KafkaOptions kafka;
    private final DbOptions db;
    private final int workers;
    private final PrintStream err;
    private final Consumer<JobStatus> progress;
    private LocalCluster cluster;

    ClusterBackfills(HikariDataSource dataSource, KafkaOptions kafka, DbOptions db, int workers, PrintStream err, Consumer<JobStatus> progress) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        this.db = db;
        this.workers = workers;
        this.err = err;
        this.progress = progress;
    }

    private LocalCluster cluster() {
        if (cluster == null) {
            cluster = LocalCluster.start(dataSource, kafka, db, workers, err);
        }
        return cluster;
    }

    @Override
    public long launch(BackfillSpec spec, String actor) {
        return cluster().coordinator.launch(spec, actor);
    }

    @Override
    public JobStatus complete(long jobId) {
        LocalCluster c = cluster();
        JobState state = c.coordinator.status(jobId).state();
        if (state == JobState.PAUSED || state == JobState.FAILED) {
            c.coordinator.resume(jobId, "migrate", "migrate finishes the backfill in-line");
        }
        try {
            return c.await(jobId, progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for job " + jobId, e);
        }
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
