package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.step.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Read-only questions about a scope: each revision's state, the current revisions, the audit history. */
final class StatusQuery {
    private final MigrationContext ctx;

    StatusQuery(MigrationContext ctx) {
        this.ctx = ctx;
    }

    List<RevisionStatus> status() {
        try (Connection c = ctx.dataSource().getConnection()) {
            Map<String, VersionRow> rows = ctx.store().load(c);
            ctx.refuseUnknown(rows);
            List<RevisionStatus> out = new ArrayList<>();
            for (Revision r : ctx.graph().ordered()) {
                out.add(status(r, rows.get(r.id())));
            }
            return out;
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading pgbackfill.migration_version", e);
        }
    }

    private RevisionStatus status(Revision r, VersionRow row) {
        List<Phase> phases = r.upgradeSteps(ctx.settings().allowDestructive()).stream().map(Step::phase).distinct().toList();
        String state = row == null ? "pending" : row.complete() && row.downStepsDone() == 0 ? "applied" : "partial";
        List<JobStatus> jobStatus = row == null ? List.of() : row.jobs().stream().map(ctx.jobs()::status).toList();
        return new RevisionStatus(r.id(), r.downRevisions(), r.message(), r.source(), phases, row == null ? null : row.phaseDone(), state,
                jobStatus);
    }

    /** The current revisions of a status read once (so that they cannot disagree with it). */
    static List<String> current(List<RevisionStatus> all) {
        Set<String> applied = all.stream().filter(r -> r.state().equals("applied")).map(RevisionStatus::revision).collect(Collectors.toSet());
        Set<String> parents = all.stream().filter(r -> applied.contains(r.revision())).flatMap(r -> r.downRevisions().stream()).collect(Collectors.toSet());
        return all.stream().map(RevisionStatus::revision).filter(id -> applied.contains(id) && !parents.contains(id)).toList();
    }

    List<HistoryEntry> history() {
        try (Connection c = ctx.dataSource().getConnection()) {
            return ctx.store().history(c);
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading pgbackfill.migration_history", e);
        }
    }

    boolean atBase() {
        try (Connection c = ctx.dataSource().getConnection()) {
            return ctx.store().load(c).isEmpty();
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading pgbackfill.migration_version", e);
        }
    }
}
