package dev.pgbackfill.coordinator.api;

import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import javax.sql.DataSource;

/**
 * The revision set the coordinator was started with ({@code coordinator --migrations/--jar/--examples}), for the
 * read-only migrations API and dashboard page. Without one, only the recorded history can be shown.
 */
public record MigrationCatalog(DataSource dataSource, RevisionGraph graph, String scope) {

    public static MigrationCatalog none(DataSource dataSource) {
        return new MigrationCatalog(dataSource, null, "default");
    }

    public boolean configured() {
        return graph != null;
    }

    /** A migrator for reading status and history only (no backfill runner: it never applies anything). */
    public Migrator reader() {
        return new Migrator(dataSource, graph == null ? RevisionGraph.of(java.util.List.of()) : graph,
                MigrateSettings.defaults().withScope(scope), null, line -> { });
    }
}
