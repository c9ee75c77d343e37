package dev.pgbackfill.cli;

import dev.pgbackfill.migrate.run.MigrateSettings;
import java.io.PrintStream;
import picocli.CommandLine.Mixin;

/** What every database-touching migrate command takes: revisions, database, broker, and how DDL and jobs run. */
public final class MigrateOptions {
    @Mixin
    MigrationSources sources;
    @Mixin
    DbOptions db;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MigrateRunOptions run;

    MigrateSettings settings() {
        return run.settings(sources.scope, db);
    }

    /** Opens the engine; {@code workers} 0 runs no backfill in this process. */
    MigrateContext open(MigrateSettings settings, int workers, boolean embeddedAllowed, PrintStream out) {
        return MigrateContext.open(sources, db, kafka, settings, workers, embeddedAllowed, out, System.err);
    }
}
