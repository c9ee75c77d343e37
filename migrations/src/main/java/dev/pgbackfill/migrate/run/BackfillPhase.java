package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.op.Names;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.sql.QualifiedName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A revision's backfill phase: one pgbackfill job per backfill step, recorded with the revision as it is
 * launched; run to SUCCEEDED in-line, or left to a running cluster (the contract gate then waits for them).
 */
final class BackfillPhase {
    private final MigrationContext ctx;

    BackfillPhase(MigrationContext ctx) {
        this.ctx = ctx;
    }

    /** Launches the steps not launched yet ({@code launched} are the jobs of the earlier ones) and, if told to, waits. */
    void run(MigrationSession s, Revision r, List<BackfillStep> steps, List<Long> launched, boolean finalize) {
        List<Long> ids = new ArrayList<>(launched);
        for (int i = ids.size(); i < steps.size(); i++) {
            BackfillStep step = steps.get(i);
            BackfillSpec spec = qualified(s, step.spec());
            analyze(s, spec);
            long id = ctx.runner().launch(spec, "migrate " + r.id());
            ids.add(id);
            s.sql(c -> ctx.store().addJob(c, r.id(), id));
            ctx.log().accept(r.id() + " backfill: job " + id + " launched: " + step.commandLine());
        }
        if (ctx.settings().waitForBackfills()) {
            for (int i = 0; i < ids.size(); i++) {
                long done = finish(s, r, steps, i, ids.get(i), finalize);
                if (done != ids.get(i)) {
                    ids.set(i, done);
                    s.sql(c -> ctx.store().replaceJobs(c, r.id(), ids));
                }
            }
        } else if (!ids.isEmpty()) {
            ctx.log().accept(r.id() + " backfill: job(s) " + ids + " left to the running workers; the contract phase waits until they SUCCEEDED");
        }
        s.sql(c -> ctx.store().progress(c, r.id(), Phase.BACKFILL, 0));
    }

    /** A backfill step of a downgrade (reverting a rename): launched and run to completion in-line. */
    void runInline(MigrationSession s, Revision r, BackfillStep step) {
        long id = launch(s, r, step, "migrate down " + r.id());
        ctx.log().accept(r.id() + " down: backfill job " + id + ": " + step.commandLine());
        finish(s, r, List.of(step), 0, id, false);
    }

    long launch(MigrationSession s, Revision r, BackfillStep step, String actor) {
        return ctx.runner().launch(qualified(s, step.spec()), actor);
    }

    /**
     * Runs job {@code id} (backfill step {@code index} of the revision) to SUCCEEDED in this process; returns the id
     * of the job that succeeded: with --finalize, a CANCELLED job is replaced by a new one from the same step.
     */
    long finish(MigrationSession s, Revision r, List<BackfillStep> steps, int index, long id, boolean finalize) {
        JobStatus status = ctx.jobs().status(id);
        if (status.state() == JobState.CANCELLED) {
            if (!finalize) {
                throw new MigrationFailedException("revision " + r.id() + ": backfill job " + id + " was CANCELLED" + detail(status)
                        + "; run migrate up --finalize to backfill with a new job, or migrate down to revert the revision", null);
            }
            long again = launch(s, r, steps.get(Math.min(index, steps.size() - 1)), "migrate " + r.id() + " --finalize");
            ctx.log().accept(r.id() + " backfill: job " + id + " was CANCELLED; job " + again + " backfills in its place (--finalize)");
            id = again;
            status = ctx.jobs().status(id);
        }
        if (status.state() != JobState.SUCCEEDED) {
            status = ctx.runner().complete(id);
        }
        if (status.state() != JobState.SUCCEEDED) {
            throw new MigrationFailedException("revision " + r.id() + ": backfill job " + id + " ended " + status.state() + detail(status)
                    + "; fix the cause, then run migrate up --finalize to finish it", null);
        }
        ctx.log().accept(r.id() + " backfill: job " + id + " SUCCEEDED, " + status.rowsDone() + " rows");
        return id;
    }

    private static String detail(JobStatus status) {
        return status.lastError() == null ? "" : " (" + status.lastError() + ")";
    }

    /** The spec with its table schema-qualified as the catalog resolves it now (the revision's search_path). */
    private static BackfillSpec qualified(MigrationSession s, BackfillSpec spec) {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, Names.table(spec.table()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return spec; // the launch refuses it with the catalog's suggestions
                }
                return spec.withTable(new QualifiedName(rs.getString(1), rs.getString(2)).sql());
            }
        } catch (SQLException e) {
            throw DatabaseException.wrap("resolving table " + spec.table(), e);
        }
    }

    /**
     * Statistics for the columns expand just added: without them the job's row estimate (its progress and ETA)
     * and the planner's choices rest on defaults. ANALYZE samples; it does not block reads or writes.
     */
    private void analyze(MigrationSession s, BackfillSpec spec) {
        try (Statement st = s.connection().createStatement()) {
            st.execute("ANALYZE " + Names.table(spec.table()));
        } catch (SQLException e) {
            ctx.log().accept("ANALYZE " + spec.table() + " skipped: " + SqlErrors.firstLine(e.getMessage()));
        }
    }
}
