package dev.pgbackfill.migrate.run;

import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** What every part of a migration run shares: the database, the revision set, the settings and the log. */
record MigrationContext(DataSource dataSource, RevisionGraph graph, MigrateSettings settings, BackfillRunner backfills,
                        Consumer<String> log, VersionStore store, JobStore jobs) {

    BackfillRunner runner() {
        if (backfills == null) {
            throw new MigrationRefusedException("this revision set has backfills, but no backfill runner is configured");
        }
        return backfills;
    }

    /** Refuses a database that records revisions this revision set does not define (another set, another scope). */
    void refuseUnknown(Map<String, VersionRow> rows) {
        List<String> unknown = rows.keySet().stream().filter(id -> !graph.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new MigrationRefusedException("the database has revision(s) " + unknown + " (scope " + settings.scope()
                    + ") that this revision set does not define; pass the --migrations / --jar that contain them, or another --scope");
        }
    }
}
