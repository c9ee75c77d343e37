package dev.pgbackfill.migrate.run;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.op.Undo;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.Target;
import dev.pgbackfill.migrate.revision.Targets;
import dev.pgbackfill.migrate.revision.Traversal;
import dev.pgbackfill.migrate.step.Step;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code migrate down}: reverts what stands on the target and nothing else ({@link Traversal#toRevert}: never another
 * branch), newest first. Every plan is made (and every refusal found) before the first statement runs; a downgrade
 * under way keeps its plan on rerun.
 */
final class Downgrade {
    private static final Set<JobState> ACTIVE = EnumSet.of(JobState.PLANNING, JobState.RUNNING, JobState.PAUSED);

    private final MigrationContext ctx;
    private final StepExecutor executor;

    Downgrade(MigrationContext ctx, StepExecutor executor) {
        this.ctx = ctx;
        this.executor = executor;
    }

    /** See {@link Migrator#down}. */
    int run(String target) {
        if (target == null || target.isBlank()) {
            throw new MigrationRefusedException("migrate down needs a target: a revision id, -1 (the last one), label@-1 or base");
        }
        try (MigrationSession s = new MigrationSession(ctx)) {
            Map<String, VersionRow> rows = s.rows();
            Target to = new Targets(ctx.graph(), rows.keySet()).resolve(target);
            List<Revision> reversed = Traversal.toRevert(ctx.graph(), rows.keySet(), to);
            if (reversed.isEmpty()) {
                ctx.log().accept("nothing to downgrade: nothing applied stands on " + target + " (current: "
                        + Traversal.currentHeads(ctx.graph(), rows.keySet()) + ")");
                return 0;
            }
            Map<String, List<Step>> plans = new HashMap<>();
            for (Revision r : reversed) {
                refuseActiveJobs(r, rows.get(r.id()));
                plans.put(r.id(), plan(r, rows.get(r.id())));
            }
            for (Revision r : reversed) {
                revert(s, r, plans.get(r.id()), rows.get(r.id()).downStepsDone());
            }
            return reversed.size();
        }
    }

    private void refuseActiveJobs(Revision r, VersionRow row) {
        for (long id : row.jobs()) {
            JobState state = ctx.jobs().status(id).state();
            if (ACTIVE.contains(state)) {
                throw new MigrationRefusedException("revision " + r.id() + ": its backfill job " + id + " is " + state
                        + "; cancel it first (pgbackfill cancel " + id + "); nothing was changed");
            }
        }
    }

    private void revert(MigrationSession s, Revision r, List<Step> steps, int skip) {
        if (skip > 0) {
            ctx.log().accept(r.id() + " down: resuming after step " + skip + " of " + steps.size());
        }
        executor.run(s, r, null, steps, skip, (c, done, lastUnit) -> {
            if (lastUnit) {
                forget(c, r);
            } else {
                ctx.store().downProgress(c, r.id(), done);
            }
        });
        if (steps.isEmpty() || skip >= steps.size()) {
            s.sql(c -> forget(c, r));
        }
        ctx.log().accept(r.id() + " reverted: " + r.message());
    }

    private void forget(java.sql.Connection c, Revision r) throws java.sql.SQLException {
        ctx.store().delete(c, r.id());
        ctx.store().history(c, r.id(), "down", null, ctx.settings().actor(), r.message());
    }

    /**
     * What reverts a revision: its written downgrade when it is complete; when only its expand (and backfill) phases
     * ran, the inverse of its expand ops, since the downgrade assumes a finished revision. A partial revision that
     * cannot be undone that way is refused, naming why.
     */
    private List<Step> plan(Revision r, VersionRow row) {
        if (row.complete()) { // stays complete while its downgrade is under way, so a rerun takes the same plan
            if (!r.hasDowngrade()) {
                throw new MigrationRefusedException("revision " + r.id() + " (" + r.source() + ") has no downgrade; nothing was changed");
            }
            return r.downgradeSteps();
        }
        if (row.phaseDone() == Phase.BACKFILL && row.stepsDone() > 0) {
            throw new MigrationRefusedException("revision " + r.id() + " is part-way through its contract phase (" + row.stepsDone()
                    + " step(s) done); finish it with migrate up, then downgrade; nothing was changed");
        }
        Undo undo = Undo.expandOf(r.upgrade());
        String partly = row.phaseDone() == null ? "expand in progress" : row.phaseDone() + " done";
        if (!undo.blockers().isEmpty()) {
            throw new MigrationRefusedException("revision " + r.id() + " is only partly applied (" + partly + ") and its downgrade assumes a "
                    + "finished revision; pgbackfill cannot undo " + String.join(", ", undo.blockers()) + " by itself: finish it with migrate "
                    + "up, then downgrade, or revert by hand; nothing was changed");
        }
        ctx.log().accept(r.id() + " is only partly applied (" + partly + "): undoing its expand steps instead of running its downgrade");
        return undo.steps();
    }
}
