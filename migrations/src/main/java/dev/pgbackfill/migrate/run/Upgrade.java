package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.Target;
import dev.pgbackfill.migrate.revision.Targets;
import dev.pgbackfill.migrate.revision.Traversal;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.Step;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code migrate up}: the revisions not yet complete up to a target, phase by phase, behind the contract gate. */
final class Upgrade {
    private final MigrationContext ctx;
    private final BackfillPhase backfills;
    private final ContractGate gate;
    private final StepExecutor executor;

    Upgrade(MigrationContext ctx, BackfillPhase backfills, ContractGate gate, StepExecutor executor) {
        this.ctx = ctx;
        this.backfills = backfills;
        this.gate = gate;
        this.executor = executor;
    }

    /** See {@link Migrator#up}. */
    int run(String target, Phase upTo, boolean finalize) {
        // launching without waiting leaves the jobs to a running cluster: nothing after the backfill phase can run now
        Phase cap = ctx.settings().waitForBackfills() || upTo.compareTo(Phase.BACKFILL) < 0 ? upTo : Phase.BACKFILL;
        try (MigrationSession s = new MigrationSession(ctx)) {
            Map<String, VersionRow> rows = s.rows();
            Target to = new Targets(ctx.graph(), rows.keySet()).resolve(target == null ? "head" : target);
            refuseDowngradesUnderWay(rows, Traversal.toApply(ctx.graph(), Set.of(), to));
            Set<String> complete = rows.values().stream().filter(VersionRow::complete).map(VersionRow::revision).collect(Collectors.toSet());
            List<Revision> todo = Traversal.toApply(ctx.graph(), complete, to);
            if (todo.isEmpty()) {
                ctx.log().accept("nothing to upgrade: " + (target == null ? "head" : target) + " is applied (current: "
                        + Traversal.currentHeads(ctx.graph(), rows.keySet()) + ")");
                return 0;
            }
            if (!finalize) {
                for (Revision r : todo) {
                    VersionRow row = rows.get(r.id());
                    if (row != null && !row.jobs().isEmpty() && lastPhase(r, cap) == Phase.CONTRACT) {
                        gate.check(s, r, row.jobs(), false); // refuse before any change
                    }
                }
            }
            for (Revision r : todo) {
                upgrade(s, r, rows.get(r.id()), cap, finalize);
            }
            return todo.size();
        }
    }

    private static void refuseDowngradesUnderWay(Map<String, VersionRow> rows, List<Revision> needed) {
        for (Revision r : needed) {
            VersionRow row = rows.get(r.id());
            if (row != null && row.downStepsDone() > 0) {
                throw new MigrationRefusedException("revision " + r.id() + " is part-way through its downgrade (" + row.downStepsDone()
                        + " step(s) done); finish it with migrate down first; nothing was changed");
            }
        }
    }

    /**
     * The last phase to run for a revision: {@code upTo}, or contract when nothing is left after {@code upTo}. A
     * revision with backfills completes only through the contract phase, whose gate checks its jobs.
     */
    private Phase lastPhase(Revision r, Phase upTo) {
        List<Step> steps = r.upgradeSteps(ctx.settings().allowDestructive());
        boolean later = steps.stream().anyMatch(st -> st.phase().compareTo(upTo) > 0);
        boolean hasBackfills = steps.stream().anyMatch(st -> st instanceof BackfillStep);
        return later || (hasBackfills && upTo.compareTo(Phase.CONTRACT) < 0) ? upTo : Phase.CONTRACT;
    }

    private void upgrade(MigrationSession s, Revision r, VersionRow row, Phase upTo, boolean finalize) {
        Phase last = lastPhase(r, upTo);
        List<Phase> phases = r.upgradeSteps(ctx.settings().allowDestructive()).stream().map(Step::phase).distinct().toList();
        for (Phase phase : Phase.values()) {
            if (phase.compareTo(last) > 0) {
                break;
            }
            if (row == null || !row.done(phase)) {
                runPhase(s, r, row, phase, finalize);
                if (phases.contains(phase) || (phases.isEmpty() && phase == Phase.EXPAND)) {
                    // history names the phases a revision has (a revision without steps: one row, so it shows at all)
                    s.sql(c -> ctx.store().history(c, r.id(), "up", phase, ctx.settings().actor(), r.message()));
                }
                row = s.rows().get(r.id());
            }
        }
        if (row != null && row.complete()) {
            ctx.log().accept(r.id() + " applied: " + r.message());
        } else {
            ctx.log().accept(r.id() + " " + last + " done: " + r.message() + " (run migrate up to continue)");
        }
    }

    private void runPhase(MigrationSession s, Revision r, VersionRow row, Phase phase, boolean finalize) {
        if (phase == Phase.BACKFILL) {
            backfills.run(s, r, r.backfillSteps(ctx.settings().allowDestructive()), row == null ? List.of() : row.jobs(), finalize);
            return;
        }
        List<Step> steps = r.upgradeSteps(ctx.settings().allowDestructive(), phase);
        Phase before = phase == Phase.EXPAND ? null : Phase.values()[phase.ordinal() - 1];
        int skip = row != null && row.phaseDone() == before ? row.stepsDone() : 0;
        if (phase == Phase.CONTRACT && row != null && !row.jobs().isEmpty() && !s.gated.contains(r.id())) {
            gate.check(s, r, row.jobs(), finalize);
        }
        if (skip > 0) {
            ctx.log().accept(r.id() + " " + phase + ": resuming after step " + skip + " of " + steps.size());
        }
        executor.run(s, r, phase, steps, skip, (c, done, lastUnit) -> ctx.store().progress(c, r.id(), lastUnit ? phase : before, lastUnit ? 0 : done));
        if (steps.isEmpty()) {
            s.sql(c -> ctx.store().progress(c, r.id(), phase, 0));
        }
    }
}
