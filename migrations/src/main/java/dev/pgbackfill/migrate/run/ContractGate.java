package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract gate: a revision's contract phase runs only when every one of its backfills SUCCEEDED and no row
 * still matches its predicate. Without --finalize it refuses (exit 2); with it, unfinished jobs are finished in-line
 * and rows written since are backfilled again (GitLab's finalize).
 */
final class ContractGate {
    private static final int REMAINING_PROBE = 1000;

    private final MigrationContext ctx;
    private final BackfillPhase backfills;

    ContractGate(MigrationContext ctx, BackfillPhase backfills) {
        this.ctx = ctx;
        this.backfills = backfills;
    }

    /** Checks (or, with {@code finalize}, completes) the revision's jobs {@code ids}; once per revision per run. */
    void check(MigrationSession s, Revision r, List<Long> ids, boolean finalize) {
        List<Long> current = new ArrayList<>(ids);
        List<BackfillStep> steps = r.backfillSteps(ctx.settings().allowDestructive());
        for (int i = 0; i < current.size(); i++) {
            long id = current.get(i);
            if (ctx.jobs().status(id).state() != JobState.SUCCEEDED) {
                id = finishUnfinished(s, r, steps, i, id, finalize, current);
            }
            long remaining = remaining(s, ctx.jobs().resolvedSpec(id));
            if (remaining > 0) {
                backfillRemaining(s, r, steps, i, id, remaining, finalize, current);
            }
        }
        s.gated.add(r.id()); // checked once per run: the check scans for rows left, which can take a while
    }

    private long finishUnfinished(MigrationSession s, Revision r, List<BackfillStep> steps, int i, long id, boolean finalize, List<Long> current) {
        if (!finalize) {
            JobStatus job = ctx.jobs().status(id);
            throw new MigrationRefusedException("revision " + r.id() + ": its contract phase waits for backfill job " + id + ", which is "
                    + job.state() + " (" + job.rowsDone() + " of ~" + job.rowsEstimated() + " rows)"
                    + (job.lastError() == null ? "" : ": " + job.lastError())
                    + (job.state() == JobState.CANCELLED ? "; run migrate up --finalize to backfill with a new job"
                            : "; wait for it (pgbackfill status " + id + "), or run migrate up --finalize to finish it in-line")
                    + unchanged(s));
        }
        ctx.log().accept(r.id() + " contract: finishing backfill job " + id + " in-line (--finalize)");
        long done = backfills.finish(s, r, steps, i, id, true);
        if (done != id) {
            current.set(i, done);
            s.sql(c -> ctx.store().replaceJobs(c, r.id(), current));
        }
        return done;
    }

    private void backfillRemaining(MigrationSession s, Revision r, List<BackfillStep> steps, int i, long id, long remaining, boolean finalize,
                                   List<Long> current) {
        String count = remaining > REMAINING_PROBE ? "more than " + REMAINING_PROBE : String.valueOf(remaining);
        if (!finalize) {
            throw new MigrationRefusedException("revision " + r.id() + ": backfill job " + id + " SUCCEEDED but " + count
                    + " row(s) still match its predicate (written since by an application version that does not fill the new "
                    + "column?); deploy the version that does, then run migrate up --finalize to backfill them" + unchanged(s));
        }
        long again = backfills.launch(s, r, steps.get(Math.min(i, steps.size() - 1)), "migrate " + r.id() + " --finalize");
        ctx.log().accept(r.id() + " contract: " + count + " row(s) still to do after job " + id + "; job " + again + " backfills them in-line");
        backfills.finish(s, r, steps, i, again, true);
        current.set(i, again);
        s.sql(c -> ctx.store().replaceJobs(c, r.id(), current));
        if (remaining(s, ctx.jobs().resolvedSpec(again)) > 0) {
            throw new MigrationFailedException("revision " + r.id() + ": rows still match the backfill's predicate after job " + again
                    + " (an application keeps writing them); stop those writes, then run migrate up --finalize", null);
        }
    }

    private static String unchanged(MigrationSession s) {
        return s.changed ? "; the steps before it in this run are applied and recorded" : "; nothing was changed";
    }

    /** Rows still matching a finished job's predicate, counted up to REMAINING_PROBE + 1. */
    private static long remaining(MigrationSession s, ResolvedSpec spec) {
        try (PreparedStatement ps = s.connection().prepareStatement(new BatchSql(spec).remaining(false, false))) {
            ps.setInt(1, REMAINING_PROBE + 1);
            long n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                }
            }
            return n;
        } catch (SQLException e) {
            throw DatabaseException.wrap("checking the backfill's remaining rows", e);
        }
    }
}
