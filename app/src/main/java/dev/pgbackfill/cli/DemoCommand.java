package dev.pgbackfill.cli;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Expand → backfill → contract on a generated users table (embedded PostgreSQL and Kafka unless --db/--kafka).",
        footer = {"%nExample:%n  pgbackfill demo --rows 200000 --workers 2"})
public final class DemoCommand implements Callable<Integer> {
    static final String SCHEMA = "pgbackfill_demo";

    @Mixin
    DbOptions db;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the generated users table (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--workers", defaultValue = "2", description = "Workers in this process (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--verbose", description = "Debug logs and stack traces.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (LocalCluster.Db database = LocalCluster.openDatabase(db, workers + 4, err)) {
            out.printf(Locale.ROOT, "== setup: %s.users with %,d rows (UUID key, like the seed's users table)%n", SCHEMA, rows);
            long t0 = System.nanoTime();
            try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("SET statement_timeout = 0");
                st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
                st.execute("CREATE SCHEMA " + SCHEMA);
                st.execute("CREATE TABLE " + SCHEMA + ".users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text NOT NULL, "
                        + "status text NOT NULL DEFAULT 'active', created_at timestamptz NOT NULL DEFAULT now())");
                st.execute("INSERT INTO " + SCHEMA + ".users (email, status) SELECT 'User' || g || '@Example.COM', "
                        + "CASE WHEN g % 10 = 0 THEN 'inactive' ELSE 'active' END FROM generate_series(1, " + rows + ") g");
                st.execute("ANALYZE " + SCHEMA + ".users");
            }
            out.printf(Locale.ROOT, "   generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);

            out.println("== expand: ALTER TABLE users ADD COLUMN email_new text   (nullable: no rewrite, instant)");
            ddl(database, "ALTER TABLE " + SCHEMA + ".users ADD COLUMN email_new text");

            out.println("== backfill: UPDATE users SET email_new = lower(email)   (keyset chunks over Kafka, SKIP LOCKED batches)");
            ControlSchema.install(database.dataSource());
            JobStatus s;
            try (LocalCluster cluster = LocalCluster.start(database.dataSource(), kafka, db, workers, err)) {
                long id = cluster.coordinator.launch(new BackfillSpec(SCHEMA + ".users", List.of("email_new = lower(email)"),
                        null, null, null, null, null, null), "demo");
                s = cluster.await(id, p -> out.println("   " + Progress.line(p)));
            }
            out.println("   " + Progress.line(s));
            if (s.state() != JobState.SUCCEEDED) {
                return 1;
            }

            out.println("== contract: NOT NULL via a validated CHECK (no long ACCESS EXCLUSIVE scan)");
            ddl(database, "ALTER TABLE " + SCHEMA + ".users ADD CONSTRAINT users_email_new_not_null CHECK (email_new IS NOT NULL) NOT VALID");
            ddl(database, "ALTER TABLE " + SCHEMA + ".users VALIDATE CONSTRAINT users_email_new_not_null");
            ddl(database, "ALTER TABLE " + SCHEMA + ".users ALTER COLUMN email_new SET NOT NULL");
            ddl(database, "ALTER TABLE " + SCHEMA + ".users DROP CONSTRAINT users_email_new_not_null");

            double seconds = s.startedAt() == null || s.finishedAt() == null ? 0
                    : (java.time.Instant.parse(s.finishedAt()).toEpochMilli() - java.time.Instant.parse(s.startedAt()).toEpochMilli()) / 1000.0;
            out.printf(Locale.ROOT, "== done: %,d rows backfilled in %.1f s (%,.0f rows/s) by %d worker(s); email_new is NOT NULL%n",
                    s.rowsDone(), seconds, seconds > 0 ? s.rowsDone() / seconds : 0, workers);
            return 0;
        }
    }

    private static void ddl(LocalCluster.Db database, String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.execute(sql);
        }
        System.out.println("   " + sql.replace(SCHEMA + ".", ""));
    }
}
