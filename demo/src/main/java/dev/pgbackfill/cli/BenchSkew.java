package dev.pgbackfill.cli;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The bench's skew section ({@code --methods skew}): the same backfill on tables of the same row count whose keys
 * are spread as real tables' are, each against a uniform table with the same key type, 4 worker threads. Reports each
 * shape's time as a ratio to its uniform one (goal ≤ 1.15), the largest chunk against the median (goal ≤ 2, splits
 * included) and how many splits the coordinator made. Every table is analysed first, as autovacuum would have, but
 * two: the outlier again without statistics, and a table whose statistics were taken before 90 % of its rows came
 * (VACUUM has counted them since, so the row count is right but the histogram spans the first tenth), where the
 * plan rests on its block-sample check.
 */
final class BenchSkew {
    static final String TABLE = "pgbf_skew";
    static final int WORKERS = 4;

    /**
     * A key distribution: the column type, the SELECT over {@code g} (1 … N) that makes the keys, and the uniform
     * shape of the same key type it is compared with (null: it is a reference itself). Key types are compared with
     * their own kind: a text key costs more per row than a bigint one whatever its distribution.
     */
    record Shape(String name, String keyType, String keys, boolean partitioned, String reference, Statistics statistics) {
        Shape(String name, String keyType, String keys, boolean partitioned, String reference) {
            this(name, keyType, keys, partitioned, reference, Statistics.FRESH);
        }
    }

    /** What the planner finds in pg_stats: a fresh ANALYZE, none at all, or one taken before 90 % of the rows came. */
    enum Statistics { FRESH, NONE, STALE }

    static final String UNIFORM_BIGINT = "uniform ids 1 … N";
    static final String UNIFORM_UUID = "uniform random uuids";
    static final String UNIFORM_TEXT = "uniform random text keys";

    static List<Shape> shapes(long rows) {
        return List.of(
                new Shape(UNIFORM_BIGINT, "bigint", "g", false, null),
                new Shape("ids 1 … N-1 and one at 10^15", "bigint", "CASE WHEN g = " + rows + " THEN 1000000000000000 ELSE g END", false, UNIFORM_BIGINT),
                new Shape("the same, never analysed", "bigint",
                        "CASE WHEN g = " + rows + " THEN 1000000000000000 ELSE g END", false, UNIFORM_BIGINT, Statistics.NONE),
                new Shape("ids 1 … N, 90 % loaded after the last ANALYZE", "bigint", "g", false, UNIFORM_BIGINT, Statistics.STALE),
                new Shape("Zipf-like clusters (1 000 clusters 10^9 apart)", "bigint",
                        "floor(power(g::float8 / " + rows + ", 4) * 1000)::bigint * 1000000000 + g", false, UNIFORM_BIGINT),
                new Shape("two dense islands 10^12 apart", "bigint", "CASE WHEN g <= " + rows / 2 + " THEN g ELSE 1000000000000 + g END", false,
                        UNIFORM_BIGINT),
                new Shape("gaps growing with the key (id = g²)", "bigint", "g::bigint * g", false, UNIFORM_BIGINT),
                new Shape("partitioned, one partition 10x the others", "bigint", "g", true, UNIFORM_BIGINT),
                new Shape(UNIFORM_UUID, "uuid", "md5(g::text)::uuid", false, null),
                new Shape("time-ordered uuids (v7 layout)", "uuid",
                        "(lpad(to_hex(1700000000000 + g), 12, '0') || substr(md5(g::text), 1, 20))::uuid", false, UNIFORM_UUID),
                new Shape(UNIFORM_TEXT, "text", "md5(g::text)", false, null),
                new Shape("text keys with a long common prefix", "text", "'tenant-0000000000000000-order-' || lpad(g::text, 9, '0')", false,
                        UNIFORM_TEXT));
    }

    private final BenchCommand b;

    BenchSkew(BenchCommand bench) {
        this.b = bench;
    }

    List<BenchCommand.Result> measure(DataSource ds, PrintStream err) throws Exception {
        List<BenchCommand.Result> out = new ArrayList<>();
        java.util.Map<String, Double> references = new java.util.HashMap<>();
        // one unreported run first: the first job in a fresh JVM pays for class loading and JIT, and the uniform
        // reference, which runs first, would otherwise be slow and flatter every ratio after it
        create(ds, shapes(b.rows).getFirst());
        err.printf(Locale.ROOT, "  skew: warm-up run (not reported) %.2f s%n", run(ds, err)[0]);
        for (Shape shape : shapes(b.rows)) {
            create(ds, shape);
            double[] run = run(ds, err);
            if (shape.reference() == null) {
                references.put(shape.name(), run[0]);
            }
            double ratio = run[0] / references.get(shape.reference() == null ? shape.name() : shape.reference());
            String note = String.format(Locale.ROOT, "%.2fx %s; largest chunk %.1fx median; %d split(s); threads idle for %.1f s at most; planned in %.2f s",
                    ratio, shape.reference() == null ? "(reference)" : shape.reference(), run[1], (long) run[2], run[3], run[4]);
            err.printf(Locale.ROOT, "  skew: %-45s %8.2f s  %s%n", shape.name(), run[0], note);
            out.add(new BenchCommand.Result("skew: " + shape.name() + ", " + WORKERS + " workers", b.rows, run[0], b.rows / run[0], null, null, note));
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + TABLE);
        }
        return out;
    }

    private void create(DataSource ds, Shape s) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.execute("DROP TABLE IF EXISTS " + TABLE);
            if (s.partitioned()) {
                st.execute("CREATE TABLE " + TABLE + " (id bigint NOT NULL, region text NOT NULL, a int NOT NULL, b int, PRIMARY KEY (id, region)) "
                        + "PARTITION BY LIST (region)");
                for (String p : List.of("big", "p1", "p2", "p3")) {
                    st.execute("CREATE TABLE " + TABLE + "_" + p + " PARTITION OF " + TABLE + " FOR VALUES IN ('" + p + "')");
                }
                st.execute("INSERT INTO " + TABLE + " SELECT g, CASE g % 13 WHEN 0 THEN 'p1' WHEN 1 THEN 'p2' WHEN 2 THEN 'p3' ELSE 'big' END, "
                        + "g % 1000 FROM generate_series(1, " + b.rows + ") g");
            } else {
                st.execute("CREATE TABLE " + TABLE + " (id " + s.keyType() + " PRIMARY KEY, a int NOT NULL, b int)"
                        + (s.statistics() == Statistics.FRESH ? "" : " WITH (autovacuum_enabled = false)"));
                long first = s.statistics() == Statistics.STALE ? b.rows / 10 : b.rows;
                st.execute("INSERT INTO " + TABLE + " SELECT " + s.keys() + ", g % 1000 FROM generate_series(1, " + first + ") g");
                if (first < b.rows) {
                    st.execute("ANALYZE " + TABLE);
                    st.execute("INSERT INTO " + TABLE + " SELECT " + s.keys() + ", g % 1000 FROM generate_series(" + (first + 1) + ", " + b.rows + ") g");
                }
            }
            st.execute((s.statistics() == Statistics.FRESH ? "VACUUM ANALYZE " : "VACUUM ") + TABLE);
            st.execute("CHECKPOINT");
        }
    }

    /** Seconds, largest chunk / median chunk (rows), splits, longest idle stretch, seconds to plan. */
    private double[] run(DataSource ds, PrintStream err) throws Exception {
        try (LocalCluster cluster = LocalCluster.start((com.zaxxer.hikari.HikariDataSource) ds, b.kafka, b.db, WORKERS, err)) {
            long t0 = System.nanoTime();
            long id = cluster.coordinator.launch(BackfillSpec.on(TABLE).set("b = a + 1").build(), "bench");
            double planned = (System.nanoTime() - t0) / 1e9; // launch returns once the chunks are cut and stored
            JobStatus s = cluster.coordinator.status(id);
            while (!s.state().isTerminal()) {
                Thread.sleep(20);
                s = cluster.coordinator.status(id);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (s.state() != JobState.SUCCEEDED) {
                throw new IllegalStateException("skew bench: job " + id + " ended " + s.state() + ": " + s.lastError());
            }
            return new double[] {seconds, largestOverMedian(ds, id), splits(ds, id), longestIdle(ds, id), planned};
        }
    }

    private static double largestOverMedian(DataSource ds, long job) throws SQLException {
        List<Long> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT rows_done + rows_reswept FROM pgbackfill.chunk WHERE job_id = ? ORDER BY 1")) {
            ps.setLong(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong(1));
                }
            }
        }
        long median = Math.max(1, rows.get(rows.size() / 2));
        return (double) rows.getLast() / median;
    }

    /**
     * The longest stretch, between the job's first claim and its last chunk's end, during which fewer chunks ran than
     * there are worker threads: how long some thread sat idle while rows remained (from the chunks' start and finish
     * times; a chunk counts as running from its first claim to its end).
     */
    private static double longestIdle(DataSource ds, long job) throws SQLException {
        List<double[]> edges = new ArrayList<>(); // time, +1 start / -1 end
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8 FROM pgbackfill.chunk "
                        + "WHERE job_id = ? AND started_at IS NOT NULL AND finished_at IS NOT NULL")) {
            ps.setLong(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    edges.add(new double[] {rs.getDouble(1), 1});
                    edges.add(new double[] {rs.getDouble(2), -1});
                }
            }
        }
        edges.sort((x, y) -> x[0] != y[0] ? Double.compare(x[0], y[0]) : Double.compare(y[1], x[1]));
        int running = 0;
        double idleSince = Double.NaN;
        double longest = 0;
        for (double[] e : edges) {
            running += (int) e[1];
            if (running < WORKERS && Double.isNaN(idleSince)) {
                idleSince = e[0];
            } else if (running >= WORKERS && !Double.isNaN(idleSince)) {
                longest = Math.max(longest, e[0] - idleSince);
                idleSince = Double.NaN;
            }
            if (running == 0 && !Double.isNaN(idleSince)) {
                longest = Math.max(longest, e[0] - idleSince); // the job's end: nothing left to run
                idleSince = Double.NaN;
            }
        }
        return longest;
    }

    private static long splits(DataSource ds, long job) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pgbackfill.job_event WHERE job_id = ? AND kind = 'split'")) {
            ps.setLong(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
