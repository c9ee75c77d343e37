package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a phase's steps in units: consecutive GROUP steps share a transaction, OWN steps commit alone, NONE steps run
 * outside a transaction block, and a backfill step runs to completion in-line. Each unit records its progress in its
 * own transaction (right after it for NONE), and a lock_timeout rolls the unit back and retries it with backoff.
 */
final class StepExecutor {
    /** Records that the steps up to {@code stepsDone} are done, on the unit's connection and transaction. */
    @FunctionalInterface
    interface UnitDone {
        void after(Connection c, int stepsDone, boolean lastUnit) throws SQLException;
    }

    private final MigrationContext ctx;
    private final BackfillPhase backfills;

    StepExecutor(MigrationContext ctx, BackfillPhase backfills) {
        this.ctx = ctx;
        this.backfills = backfills;
    }

    /** Runs steps {@code from..} of a revision's phase ({@code phase} null: its downgrade). */
    void run(MigrationSession s, Revision r, Phase phase, List<Step> steps, int from, UnitDone done) {
        int i = from;
        while (i < steps.size()) {
            int end;
            switch (steps.get(i)) {
                case BackfillStep b -> {
                    // only downgrades meet a backfill here (e.g. reverting a rename); it runs to completion in-line
                    end = i + 1;
                    backfills.runInline(s, r, b);
                    int stepsDone = end;
                    s.sql(c -> done.after(c, stepsDone, stepsDone == steps.size()));
                }
                case SqlStep first -> {
                    List<SqlStep> unit = unitFrom(steps, i, first);
                    end = i + unit.size();
                    runUnit(s, r, phase, unit, i, steps.size(), done);
                }
            }
            i = end;
        }
    }

    /** The unit that starts with {@code first}: it and the GROUP steps right after it, when it is a GROUP step. */
    private static List<SqlStep> unitFrom(List<Step> steps, int i, SqlStep first) {
        List<SqlStep> unit = new ArrayList<>(List.of(first));
        if (first.tx() == Tx.GROUP) {
            for (int j = i + 1; j < steps.size() && steps.get(j) instanceof SqlStep next && next.tx() == Tx.GROUP; j++) {
                unit.add(next);
            }
        }
        return unit;
    }

    private void runUnit(MigrationSession s, Revision r, Phase phase, List<SqlStep> unit, int start, int total, UnitDone done) {
        int end = start + unit.size();
        String where = r.id() + (phase == null ? " down" : " " + phase) + " step " + (start + 1) + (unit.size() > 1 ? "-" + end : "")
                + " of " + total;
        new LockRetry(ctx.settings(), ctx.log(), where).run(() -> unit(s, unit, c -> done.after(c, end, end == total), r, phase));
    }

    /** One unit of steps with its progress record, all or nothing (except NONE steps, one per unit). */
    private void unit(MigrationSession s, List<SqlStep> unit, MigrationSession.SqlWork progress, Revision r, Phase phase) throws SQLException {
        Connection c = s.connection();
        try (Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = " + ctx.settings().lockTimeout().toMillis());
            st.execute("SET statement_timeout = " + ctx.settings().statementTimeout().toMillis());
        }
        boolean inTx = unit.getFirst().tx() != Tx.NONE;
        c.setAutoCommit(!inTx);
        try {
            for (SqlStep step : unit) {
                s.changed |= !inTx;
                execute(c, step, r, phase);
            }
            progress.run(c);
            if (inTx) {
                c.commit();
                s.changed = true;
            }
        } catch (Throwable failure) {
            cleanUp(c, inTx, failure); // whatever went wrong (even an Error), the unit's statements must not commit
            throw failure;
        }
        c.setAutoCommit(true);
    }

    /** Rolls a failed unit back; an error of the cleanup itself is attached to the first error, never reported instead. */
    private static void cleanUp(Connection c, boolean inTx, Throwable failure) {
        try {
            if (inTx) {
                c.rollback();
            }
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void execute(Connection c, SqlStep step, Revision r, Phase phase) throws SQLException {
        long t0 = System.nanoTime();
        PartitionedSteps partitioned = new PartitionedSteps(c, ctx.log());
        boolean ranPartitioned = false;
        try {
            // before the repair: a partitioned parent's index stays INVALID until each partition's is attached
            ranPartitioned = step.partitioned() != null && partitioned.runIfApplies(step.partitioned());
            if (!ranPartitioned) {
                if (step.repair() != null) {
                    repair(c, step, r);
                }
                try (Statement st = c.createStatement()) {
                    st.execute(step.sql());
                }
            }
        } catch (SQLException e) {
            if (SqlErrors.isLockTimeoutOrDeadlock(e)) {
                throw e;
            }
            String statement = partitioned.current() != null ? partitioned.current() + " (for a partitioned table, instead of " + step.sql() + ")"
                    : step.sql();
            throw new MigrationFailedException("revision " + r.id() + " (" + step.origin() + ") failed"
                    + (phase == null ? " in its downgrade" : " in phase " + phase) + ": " + SqlErrors.firstLine(e.getMessage())
                    + " [SQLSTATE " + e.getSQLState() + "]; statement: " + abbreviate(statement)
                    + "; the steps before it are recorded: fix the cause and run migrate again to continue", e);
        }
        String done = ranPartitioned ? "partitioned form of: " + step.sql() : step.sql();
        ctx.log().accept(String.format(Locale.ROOT, "%s %-8s %s  (%.2f s)", r.id(), phase == null ? "down" : phase.label(),
                abbreviate(done), (System.nanoTime() - t0) / 1e9));
    }

    /** Runs the step's repair first when its condition holds (drop the INVALID index a failed CONCURRENTLY build left). */
    private void repair(Connection c, SqlStep step, Revision r) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(step.repair().condition())) {
                rs.next();
                if (rs.getBoolean(1)) {
                    ctx.log().accept(r.id() + " repair: " + step.repair().sql());
                    st.execute(step.repair().sql());
                }
            }
        } catch (SQLException e) {
            if (SqlErrors.isLockTimeoutOrDeadlock(e)) {
                throw e;
            }
            throw new MigrationFailedException("revision " + r.id() + " (" + step.origin() + "): repairing before the step failed: "
                    + SqlErrors.firstLine(e.getMessage()) + "; statement: " + step.repair().sql(), e);
        }
    }

    static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").strip();
        return flat.length() > 140 ? flat.substring(0, 137) + "..." : flat;
    }
}
