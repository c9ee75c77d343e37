package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.worker.apply.BatchApplier;
import dev.pgbackfill.worker.apply.BatchResult;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.LeaseStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The optimistic batch writes each row once when nobody holds the rows, and yields the slice when someone does. */
class OptimisticBatchTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void freeSliceIsUpdatedByOnePlainUpdateAndAHeldRowHandsItToSkipLocked() throws Exception {
        db.exec("CREATE TABLE ob (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO ob SELECT g, g FROM generate_series(1, 1000) g");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "optimistic");
             Cluster cluster = new Cluster(db)) {
            long job = cluster.launch(BackfillSpec.on("ob").set("b = a").batchSize(100).build());
            ChunkLease lease = new LeaseStore(ds, "w", Duration.ofSeconds(30)).claim(new ChunkRequest(job, 0)).orElseThrow();
            BatchSql sql = new BatchSql(new JobStore(ds).resolvedSpec(job));
            BatchApplier applier = new BatchApplier(ds, new LeaseStore(ds, "w", Duration.ofSeconds(30)), DbConfig.DEFAULT_LOCK_TIMEOUT);

            BatchResult free = applier.apply(sql, lease, lease.cursor(), 100, true);
            BatchResult held;
            try (Connection holder = db.connect()) {
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement()) {
                    st.execute("SELECT * FROM ob WHERE id = 150 FOR UPDATE");
                }
                held = applier.apply(sql, lease, free.lastKey(), 100, true);
                holder.rollback();
            }

            assertThat(free.optimistic()).isTrue();
            assertThat(free.updated()).isEqualTo(100);
            assertThat(free.lastKey()).containsExactly("100");
            assertThat(held.optimistic()).as("a held row: the slice went to the SKIP LOCKED batch").isFalse();
            assertThat(held.updated()).isEqualTo(100);
            assertThat(held.lastKey()).containsExactly("201");
            assertThat(db.queryLong("SELECT count(*) FROM ob WHERE b IS NOT NULL")).isEqualTo(200);
            assertThat(db.queryLong("SELECT count(*) FROM ob WHERE id = 150 AND b IS NULL")).as("skipped, left for the sweep").isEqualTo(1);
        }
    }
}
