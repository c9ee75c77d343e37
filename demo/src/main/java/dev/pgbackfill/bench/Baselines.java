package dev.pgbackfill.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.support.ResourcelessJobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.database.JdbcBatchItemWriter;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.jdbc.support.JdbcTransactionManager;

/** What teams write by hand, each the way its users would: the competitors pgbackfill is measured against. */
public final class Baselines {
    private Baselines() {
    }

    /** The seed's loop over JDBC: rescans for unfilled rows every batch; 10 000 rows per transaction, no sleep. */
    public static void seedLoop(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            String sql = "UPDATE " + BenchTable.NAME + " SET b = a + 1 WHERE id IN (SELECT id FROM " + BenchTable.NAME
                    + " WHERE b IS NULL LIMIT 10000 FOR UPDATE SKIP LOCKED)";
            while (st.executeUpdate(sql) > 0) {
                // autocommit: one transaction per batch
            }
        }
    }

    /** One UPDATE of the whole table: the lock-everything upper bound. */
    public static void singleUpdate(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.executeUpdate("UPDATE " + BenchTable.NAME + " SET b = a + 1");
        }
    }

    /** A PL/pgSQL keyset loop committing every 10 000 rows: no round trips at all, the practical ceiling. */
    public static void inServerKeyset(DataSource ds, String keyType) throws SQLException {
        String type = keyType.equals("uuid") ? "uuid" : "bigint";
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.execute("""
                    CREATE OR REPLACE PROCEDURE pgbf_bench_keyset(batch int) LANGUAGE plpgsql AS $$
                    DECLARE cur %1$s; nxt %1$s;
                    BEGIN
                      SELECT id INTO cur FROM pgbf_bench ORDER BY id LIMIT 1;  -- min()/max() do not exist for uuid
                      IF cur IS NULL THEN RETURN; END IF;
                      UPDATE pgbf_bench SET b = a + 1 WHERE id = cur;
                      LOOP
                        nxt := NULL;
                        SELECT s.id INTO nxt FROM (SELECT id FROM pgbf_bench WHERE id > cur ORDER BY id LIMIT batch) s ORDER BY s.id DESC LIMIT 1;
                        EXIT WHEN nxt IS NULL;
                        UPDATE pgbf_bench SET b = a + 1 WHERE id > cur AND id <= nxt;
                        cur := nxt;
                        COMMIT;
                      END LOOP;
                    END $$""".formatted(type));
            st.execute("CALL pgbf_bench_keyset(10000)");
        }
    }

    record Row(Object id, int a) {
    }

    /** A plain item-oriented Spring Batch job: JdbcPagingItemReader + JdbcBatchItemWriter, chunk 1 000. */
    public static void springBatch(DataSource ds) throws Exception {
        ResourcelessJobRepository repository = new ResourcelessJobRepository();
        JdbcPagingItemReader<Row> reader = new JdbcPagingItemReaderBuilder<Row>()
                .name("rows").dataSource(ds).pageSize(1000).fetchSize(1000)
                .selectClause("SELECT id, a").fromClause("FROM " + BenchTable.NAME).whereClause("WHERE b IS NULL")
                .sortKeys(Map.of("id", Order.ASCENDING))
                .rowMapper((rs, i) -> new Row(rs.getObject(1), rs.getInt(2)))
                .build();
        JdbcBatchItemWriter<Row> writer = new JdbcBatchItemWriterBuilder<Row>()
                .dataSource(ds).sql("UPDATE " + BenchTable.NAME + " SET b = ? + 1 WHERE id = ?")
                .itemPreparedStatementSetter((row, ps) -> {
                    ps.setInt(1, row.a());
                    ps.setObject(2, row.id());
                })
                .assertUpdates(true)
                .build();
        writer.afterPropertiesSet();
        Job job = new JobBuilder("bench", repository)
                .start(new StepBuilder("backfill", repository).<Row, Row>chunk(1000).transactionManager(new JdbcTransactionManager(ds))
                        .reader(reader).writer(writer).build())
                .build();
        MapJobRegistry registry = new MapJobRegistry();
        registry.register(job);
        TaskExecutorJobOperator operator = new TaskExecutorJobOperator();
        operator.setJobRepository(repository);
        operator.setJobRegistry(registry);
        operator.afterPropertiesSet();
        JobExecution execution = operator.start(job, new JobParameters());
        if (!execution.getStatus().name().equals("COMPLETED")) {
            throw new IllegalStateException("Spring Batch job ended " + execution.getStatus() + ": " + execution.getAllFailureExceptions());
        }
    }

    /** Reads a server setting for the report. */
    public static String setting(DataSource ds, String name) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The server's current WAL insert position, in bytes: the difference of two readings is the WAL written between them. */
    public static long walPosition(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
             var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
