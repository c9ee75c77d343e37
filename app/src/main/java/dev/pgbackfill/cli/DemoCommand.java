package dev.pgbackfill.cli;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.examples.Examples;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.migrate.run.RevisionStatus;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The example revisions (001–009) as a deploy would run them, over generated data: schema, data, expand,
 * backfill (pgbackfill jobs), deploy, contract. Everything lives in schema pgbackfill_demo, history in scope demo.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The example migrations' expand → backfill → contract over generated users and orders "
                + "(embedded PostgreSQL and Kafka unless --db/--kafka).",
        footer = {"%nExample:%n  pgbackfill demo --rows 200000 --workers 2"})
public final class DemoCommand implements Callable<Integer> {
    static final String SCHEMA = "pgbackfill_demo";
    static final String SCOPE = "demo";

    @Mixin
    DbOptions db;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--rows", defaultValue = "500000", description = "Users to generate (orders: half as many) (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--workers", defaultValue = "2", description = "Workers in this process (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--verbose", description = "Debug logs and stack traces.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        LocalServices.requireUnlessGiven(db, kafka);
        PrintStream out = System.out;
        PrintStream err = System.err;
        List<JobStatus> finished = new ArrayList<>();
        try (LocalCluster.Db database = LocalCluster.openDatabase(db, workers + 4, err, SCHEMA)) {
            ControlSchema.install(database.dataSource());
            sql(database, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE", "CREATE SCHEMA " + SCHEMA,
                    "DELETE FROM pgbackfill.migration_version WHERE scope = '" + SCOPE + "'");
            MigrateSettings settings = MigrateSettings.defaults().withScope(SCOPE);
            try (ClusterBackfills backfills = new ClusterBackfills(database.dataSource(), kafka, db, workers, err, s -> out.println("   " + Progress.line(s)))) {
                Migrator migrator = new Migrator(database.dataSource(), RevisionGraph.of(Examples.revisions()), settings, backfills,
                        line -> out.println("   " + line));

                out.println("== migrate up 004: the initial schema (examples 001-004, SQL files)");
                migrator.up("004", Phase.CONTRACT, false);

                generateRows(database, out);

                out.println("== migrate up --phase expand: before the deploy (nullable columns, a sync trigger, a FK NOT VALID: no rewrite, no long lock)");
                migrator.up(null, Phase.EXPAND, false);

                out.println("== migrate up --phase backfill: pgbackfill jobs (keyset chunks over Kafka, short batches, checkpoints)");
                migrator.up(null, Phase.BACKFILL, false); // a job that does not succeed stops here with exit 1
                migrator.status().forEach(r -> finished.addAll(r.jobs()));

                out.println("== deploy: the application now reads email_new, login, verified, total_cents and user_id");
                out.println("== migrate up: contract (NOT NULL through validated CHECKs, FK VALIDATE, trigger and old columns dropped)");
                migrator.up(null, Phase.CONTRACT, false);

                printStatus(migrator, out);
            }
            long backfilled = finished.stream().mapToLong(JobStatus::rowsDone).sum();
            double seconds = finished.stream().mapToDouble(DemoCommand::seconds).sum();
            out.printf(Locale.ROOT, "== done: %d backfill jobs, %,d rows in %.1f s (%,.0f rows/s) by %d worker(s); schema %s at revision 009%n",
                    finished.size(), backfilled, seconds, seconds > 0 ? backfilled / seconds : 0, workers, SCHEMA);
            return 0;
        }
    }

    /** The application's data before the migration: users and orders. */
    private void generateRows(LocalCluster.Db database, PrintStream out) throws SQLException {
        out.printf(Locale.ROOT, "== the application has been running: %,d users and %,d orders%n", rows, rows / 2);
        long t0 = System.nanoTime();
        sql(database, "INSERT INTO users (email, username, status) SELECT 'User' || g || '@Example.COM', 'user' || g, "
                        + "CASE WHEN g % 10 = 0 THEN 'inactive' ELSE 'active' END FROM generate_series(1, " + rows + ") g",
                "INSERT INTO orders (user_email, total) SELECT 'User' || (g * 7 % " + rows + " + 1) || '@Example.COM', (g % 50000) / 100.0 "
                        + "FROM generate_series(1, " + rows / 2 + ") g",
                "ANALYZE users", "ANALYZE orders");
        out.printf(Locale.ROOT, "   generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void printStatus(Migrator migrator, PrintStream out) {
        out.println("== migrate status");
        for (RevisionStatus r : migrator.status()) {
            out.printf(Locale.ROOT, "   %s %-8s %-28s %s%n", r.revision(), r.state(),
                    r.phases().stream().map(Phase::label).collect(Collectors.joining("+")), r.message());
        }
    }

    static double seconds(JobStatus s) {
        return s.startedAt() == null || s.finishedAt() == null ? 0
                : (Instant.parse(s.finishedAt()).toEpochMilli() - Instant.parse(s.startedAt()).toEpochMilli()) / 1000.0;
    }

    /** Setup statements without a statement_timeout (generating rows takes a while), then the pool's again. */
    private void sql(LocalCluster.Db database, String... statements) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            try {
                for (String s : statements) {
                    st.execute(s);
                }
            } finally {
                st.execute("SET statement_timeout = " + db.statementTimeoutMs);
            }
        }
    }
}
