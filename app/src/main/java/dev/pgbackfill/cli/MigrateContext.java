package dev.pgbackfill.cli;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import java.io.PrintStream;

/** A migrate command's database, backfill runner and engine, closed together. */
final class MigrateContext implements AutoCloseable {
    final LocalCluster.Db database;
    final ClusterBackfills backfills;
    final Migrator migrator;

    private MigrateContext(LocalCluster.Db database, ClusterBackfills backfills, Migrator migrator) {
        this.database = database;
        this.backfills = backfills;
        this.migrator = migrator;
    }

    /**
     * Reads the revisions first (a bad set is refused before connecting), then opens the database; without --db
     * only when {@code embeddedAllowed} (test-reversible on a throwaway PostgreSQL). With {@code workers} (up, down,
     * test-reversible run backfills in this process) and no --kafka, a set that holds backfills needs the demo jar.
     */
    static MigrateContext open(MigrationSources sources, DbOptions db, KafkaOptions kafka, MigrateSettings settings, int workers,
                               boolean embeddedAllowed, PrintStream out, PrintStream err) {
        RevisionGraph graph = sources.graph();
        if (!db.given() && !embeddedAllowed) {
            throw new InvalidInputException("db", "--db is required (or PGBACKFILL_DB_URL), e.g. --db jdbc:postgresql://localhost:5432/app");
        }
        if (workers > 0 && !kafka.given() && graph.ordered().stream().anyMatch(MigrateContext::backfills)) {
            LocalServices.require("--kafka"); // backfills need a broker: refused here, not after the expand phase ran
        }
        LocalCluster.Db database = LocalCluster.openDatabase(db, Math.max(workers, 1) + 4, err);
        try {
            ControlSchema.install(database.dataSource());
            ClusterBackfills backfills = new ClusterBackfills(database.dataSource(), kafka, db, workers, err,
                    s -> out.println("   " + Progress.line(s)));
            return new MigrateContext(database, backfills, new Migrator(database.dataSource(), graph, settings, backfills, out::println));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Whether upgrading or downgrading {@code r} may run a backfill (a downgrade's rename runs one, for instance). */
    private static boolean backfills(dev.pgbackfill.migrate.revision.Revision r) {
        return !r.backfillSteps(false).isEmpty()
                || r.downgradeSteps().stream().anyMatch(st -> st instanceof dev.pgbackfill.migrate.step.BackfillStep);
    }

    @Override
    public void close() {
        backfills.close();
        database.close();
    }
}
