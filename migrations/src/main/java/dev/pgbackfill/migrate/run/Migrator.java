package dev.pgbackfill.migrate.run;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.op.Names;
import dev.pgbackfill.migrate.op.Undo;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.sql.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Applies and reverts revisions against one database: phase by phase, each DDL statement under a short
 * lock_timeout with retries, progress recorded with the statements it covers, one runner at a time (advisory
 * lock per scope). A contract phase runs only after its revision's backfills SUCCEEDED and left no row to do.
 */
public final class Migrator {
    private static final Set<JobState> ACTIVE = EnumSet.of(JobState.PLANNING, JobState.RUNNING, JobState.PAUSED);
    private static final int REMAINING_PROBE = 1000;

    private final DataSource dataSource;
    private final RevisionGraph graph;
    private final MigrateSettings settings;
    private final BackfillRunner backfills;
    private final Consumer<String> log;
    private final VersionStore store;
    private final JobStore jobs;

    public Migrator(DataSource dataSource, RevisionGraph graph, MigrateSettings settings, BackfillRunner backfills, Consumer<String> log) {
        this.dataSource = dataSource;
        this.graph = graph;
        this.settings = settings;
        this.backfills = backfills;
        this.log = log;
        this.store = new VersionStore(settings.scope());
        this.jobs = new JobStore(dataSource);
    }

    public RevisionGraph graph() {
        return graph;
    }

    // ---------------------------------------------------------------- up

    /**
     * Upgrades to {@code target} (null or {@code head}: the single head), running the phases up to and including
     * {@code upTo} of every revision not yet complete. Returns how many revisions it touched.
     */
    public int up(String target, Phase upTo, boolean finalize) {
        String to = target == null || target.equalsIgnoreCase("head") ? graph.head() : graph.get(target).id();
        // launching without waiting leaves the jobs to a running cluster: nothing after the backfill phase can run now
        Phase cap = settings.waitForBackfills() || upTo.compareTo(Phase.BACKFILL) < 0 ? upTo : Phase.BACKFILL;
        try (Session s = new Session()) {
            Map<String, VersionRow> rows = s.rows();
            for (Revision r : graph.upTo(to)) {
                VersionRow row = rows.get(r.id());
                if (row != null && row.downStepsDone() > 0) {
                    throw new MigrationRefusedException("revision " + r.id() + " is part-way through its downgrade (" + row.downStepsDone()
                            + " step(s) done); finish it with migrate down first; nothing was changed");
                }
            }
            List<Revision> todo = graph.upTo(to).stream().filter(r -> rows.get(r.id()) == null || !rows.get(r.id()).complete()).toList();
            if (todo.isEmpty()) {
                log.accept("already at " + to + ": nothing to upgrade");
                return 0;
            }
            if (!finalize) {
                for (Revision r : todo) {
                    VersionRow row = rows.get(r.id());
                    if (row != null && !row.jobs().isEmpty() && lastPhase(r, cap) == Phase.CONTRACT) {
                        gate(s, r, row.jobs(), false); // refuse before any change
                    }
                }
            }
            for (Revision r : todo) {
                upgrade(s, r, rows.get(r.id()), cap, finalize);
            }
            return todo.size();
        }
    }

    /**
     * The last phase to run for a revision: {@code upTo}, or contract when nothing is left after {@code upTo}. A
     * revision with backfills completes only through the contract phase, whose gate checks its jobs.
     */
    private Phase lastPhase(Revision r, Phase upTo) {
        List<Step> steps = r.upgradeSteps(settings.allowDestructive());
        boolean later = steps.stream().anyMatch(st -> st.phase().compareTo(upTo) > 0);
        boolean backfills = steps.stream().anyMatch(st -> st instanceof BackfillStep);
        return later || (backfills && upTo.compareTo(Phase.CONTRACT) < 0) ? upTo : Phase.CONTRACT;
    }

    private void upgrade(Session s, Revision r, VersionRow row, Phase upTo, boolean finalize) {
        Phase last = lastPhase(r, upTo);
        for (Phase phase : Phase.values()) {
            if (phase.compareTo(last) > 0) {
                break;
            }
            if (row != null && row.done(phase)) {
                continue;
            }
            List<Step> steps = r.upgradeSteps(settings.allowDestructive(), phase);
            Phase before = phase == Phase.EXPAND ? null : Phase.values()[phase.ordinal() - 1];
            int skip = row != null && row.phaseDone() == before ? row.stepsDone() : 0;
            if (phase == Phase.BACKFILL) {
                runBackfills(s, r, steps, row == null ? List.of() : row.jobs(), finalize);
            } else {
                if (phase == Phase.CONTRACT && row != null && !row.jobs().isEmpty() && !s.gated.contains(r.id())) {
                    gate(s, r, row.jobs(), finalize);
                }
                if (skip > 0) {
                    log.accept(r.id() + " " + phase + ": resuming after step " + skip + " of " + steps.size());
                }
                run(s, r, phase, steps, skip, (c, done, lastUnit) -> store.progress(c, r.id(), lastUnit ? phase : before, lastUnit ? 0 : done));
                if (steps.isEmpty()) {
                    s.sql(c -> store.progress(c, r.id(), phase, 0));
                }
            }
            s.sql(c -> store.history(c, r.id(), "up", phase, settings.actor(), r.message()));
            row = s.rows().get(r.id());
        }
        if (row != null && row.complete()) {
            log.accept(r.id() + " applied: " + r.message());
        } else {
            log.accept(r.id() + " " + last + " done: " + r.message() + " (run migrate up to continue)");
        }
    }

    private void runBackfills(Session s, Revision r, List<Step> steps, List<Long> launched, boolean finalize) {
        List<Long> ids = new ArrayList<>(launched);
        for (int i = ids.size(); i < steps.size(); i++) {
            BackfillStep step = (BackfillStep) steps.get(i);
            BackfillSpec spec = s.qualified(step.spec());
            s.analyze(spec);
            long id = runner().launch(spec, "migrate " + r.id());
            ids.add(id);
            s.sql(c -> store.addJob(c, r.id(), id));
            log.accept(r.id() + " backfill: job " + id + " launched: " + step.commandLine());
        }
        if (settings.waitForBackfills()) {
            for (int i = 0; i < ids.size(); i++) {
                long done = finish(s, r, steps, i, ids.get(i), finalize);
                if (done != ids.get(i)) {
                    ids.set(i, done);
                    s.sql(c -> store.replaceJobs(c, r.id(), ids));
                }
            }
        } else if (!ids.isEmpty()) {
            log.accept(r.id() + " backfill: job(s) " + ids + " left to the running workers; the contract phase waits until they SUCCEEDED");
        }
        s.sql(c -> store.progress(c, r.id(), Phase.BACKFILL, 0));
    }

    /**
     * Runs job {@code id} (backfill step {@code index} of the revision) to SUCCEEDED in this process; returns the id
     * of the job that succeeded: with --finalize, a CANCELLED job is replaced by a new one from the same step.
     */
    private long finish(Session s, Revision r, List<Step> steps, int index, long id, boolean finalize) {
        JobStatus status = jobs.status(id);
        if (status.state() == JobState.CANCELLED) {
            if (!finalize) {
                throw new MigrationFailedException("revision " + r.id() + ": backfill job " + id + " was CANCELLED"
                        + (status.lastError() == null ? "" : " (" + status.lastError() + ")")
                        + "; run migrate up --finalize to backfill with a new job, or migrate down to revert the revision", null);
            }
            BackfillStep step = (BackfillStep) steps.get(Math.min(index, steps.size() - 1));
            long again = runner().launch(s.qualified(step.spec()), "migrate " + r.id() + " --finalize");
            log.accept(r.id() + " backfill: job " + id + " was CANCELLED; job " + again + " backfills in its place (--finalize)");
            id = again;
            status = jobs.status(id);
        }
        if (status.state() != JobState.SUCCEEDED) {
            status = runner().complete(id);
        }
        if (status.state() != JobState.SUCCEEDED) {
            throw new MigrationFailedException("revision " + r.id() + ": backfill job " + id + " ended " + status.state()
                    + (status.lastError() == null ? "" : " (" + status.lastError() + ")")
                    + "; fix the cause, then run migrate up --finalize to finish it", null);
        }
        log.accept(r.id() + " backfill: job " + id + " SUCCEEDED, " + status.rowsDone() + " rows");
        return id;
    }

    /**
     * The contract gate: every backfill SUCCEEDED and no row still matches its predicate. Without --finalize it
     * refuses (exit 2); with it, unfinished jobs are finished in-line and rows written since are backfilled again.
     */
    private void gate(Session s, Revision r, List<Long> ids, boolean finalize) {
        List<Long> current = new ArrayList<>(ids);
        List<Step> steps = r.upgradeSteps(settings.allowDestructive(), Phase.BACKFILL);
        String unchanged = s.changed ? "; the steps before it in this run are applied and recorded" : "; nothing was changed";
        for (int i = 0; i < current.size(); i++) {
            long id = current.get(i);
            JobStatus job = jobs.status(id);
            if (job.state() != JobState.SUCCEEDED) {
                if (!finalize) {
                    throw new MigrationRefusedException("revision " + r.id() + ": its contract phase waits for backfill job " + id + ", which is "
                            + job.state() + " (" + job.rowsDone() + " of ~" + job.rowsEstimated() + " rows)"
                            + (job.lastError() == null ? "" : ": " + job.lastError())
                            + (job.state() == JobState.CANCELLED ? "; run migrate up --finalize to backfill with a new job"
                                    : "; wait for it (pgbackfill status " + id + "), or run migrate up --finalize to finish it in-line")
                            + unchanged);
                }
                log.accept(r.id() + " contract: finishing backfill job " + id + " in-line (--finalize)");
                long done = finish(s, r, steps, i, id, true);
                if (done != id) {
                    current.set(i, done);
                    s.sql(c -> store.replaceJobs(c, r.id(), current));
                    id = done;
                }
            }
            long remaining = s.remaining(jobs.resolvedSpec(id));
            if (remaining > 0) {
                String count = remaining > REMAINING_PROBE ? "more than " + REMAINING_PROBE : String.valueOf(remaining);
                if (!finalize) {
                    throw new MigrationRefusedException("revision " + r.id() + ": backfill job " + id + " SUCCEEDED but " + count
                            + " row(s) still match its predicate (written since by an application version that does not fill the new "
                            + "column?); deploy the version that does, then run migrate up --finalize to backfill them" + unchanged);
                }
                BackfillStep step = (BackfillStep) steps.get(Math.min(i, steps.size() - 1));
                long again = runner().launch(s.qualified(step.spec()), "migrate " + r.id() + " --finalize");
                log.accept(r.id() + " contract: " + count + " row(s) still to do after job " + id + "; job " + again + " backfills them in-line");
                finish(s, r, steps, i, again, true);
                current.set(i, again);
                s.sql(c -> store.replaceJobs(c, r.id(), current));
                if (s.remaining(jobs.resolvedSpec(again)) > 0) {
                    throw new MigrationFailedException("revision " + r.id() + ": rows still match the backfill's predicate after job " + again
                            + " (an application keeps writing them); stop those writes, then run migrate up --finalize", null);
                }
            }
        }
        s.gated.add(r.id()); // checked once per run: the check scans for rows left, which can take a while
    }

    private BackfillRunner runner() {
        if (backfills == null) {
            throw new MigrationRefusedException("this revision set has backfills, but no backfill runner is configured");
        }
        return backfills;
    }

    // ---------------------------------------------------------------- down

    /**
     * Downgrades to {@code target}: a revision id (everything applied that it does not need is reverted),
     * {@code base} (everything), or {@code -N} (the last N applied). Returns how many revisions were reverted.
     */
    public int down(String target) {
        try (Session s = new Session()) {
            Map<String, VersionRow> rows = s.rows();
            List<Revision> applied = graph.ordered().stream().filter(r -> rows.containsKey(r.id())).toList();
            List<Revision> remove;
            if (target == null || target.isBlank()) {
                throw new MigrationRefusedException("migrate down needs a target: a revision id, -1 (the last one) or base");
            } else if (target.equalsIgnoreCase("base")) {
                remove = applied;
            } else if (target.matches("-\\d+")) {
                int n = Integer.parseInt(target.substring(1));
                if (n > applied.size()) {
                    throw new MigrationRefusedException("migrate down " + target + ": only " + applied.size() + " revision(s) are applied");
                }
                remove = applied.subList(applied.size() - n, applied.size());
            } else {
                String keepId = graph.get(target).id();
                if (!rows.containsKey(keepId)) {
                    throw new MigrationRefusedException("revision " + keepId + " is not applied; applied: "
                            + applied.stream().map(Revision::id).toList() + "; nothing was changed");
                }
                Set<String> keep = graph.upTo(keepId).stream().map(Revision::id).collect(Collectors.toSet());
                remove = applied.stream().filter(r -> !keep.contains(r.id())).toList();
            }
            if (remove.isEmpty()) {
                log.accept("nothing to downgrade");
                return 0;
            }
            List<Revision> reversed = new ArrayList<>(remove);
            java.util.Collections.reverse(reversed);
            Map<String, List<Step>> plans = new java.util.HashMap<>();
            for (Revision r : reversed) {
                VersionRow row = rows.get(r.id());
                for (long id : row.jobs()) {
                    JobState state = jobs.status(id).state();
                    if (ACTIVE.contains(state)) {
                        throw new MigrationRefusedException("revision " + r.id() + ": its backfill job " + id + " is " + state
                                + "; cancel it first (pgbackfill cancel " + id + "); nothing was changed");
                    }
                }
                plans.put(r.id(), downgradePlan(r, row));
            }
            for (Revision r : reversed) {
                List<Step> steps = plans.get(r.id());
                int skip = rows.get(r.id()).downStepsDone();
                if (skip > 0) {
                    log.accept(r.id() + " down: resuming after step " + skip + " of " + steps.size());
                }
                run(s, r, null, steps, skip, (c, done, lastUnit) -> {
                    if (lastUnit) {
                        store.delete(c, r.id());
                        store.history(c, r.id(), "down", null, settings.actor(), r.message());
                    } else {
                        store.downProgress(c, r.id(), done);
                    }
                });
                if (steps.isEmpty() || skip >= steps.size()) {
                    s.sql(c -> {
                        store.delete(c, r.id());
                        store.history(c, r.id(), "down", null, settings.actor(), r.message());
                    });
                }
                log.accept(r.id() + " reverted: " + r.message());
            }
            return reversed.size();
        }
    }

    /**
     * What reverts a revision: its written downgrade when it is complete; when only
     * its expand (and backfill) phases ran, the inverse of its expand ops, since the downgrade assumes a finished
     * revision. A partial revision that cannot be undone that way is refused, naming why.
     */
    private List<Step> downgradePlan(Revision r, VersionRow row) {
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
        if (!undo.blockers().isEmpty()) {
            throw new MigrationRefusedException("revision " + r.id() + " is only partly applied (" + (row.phaseDone() == null ? "expand in progress"
                    : row.phaseDone() + " done") + ") and its downgrade assumes a finished revision; pgbackfill cannot undo "
                    + String.join(", ", undo.blockers()) + " by itself: finish it with migrate up, then downgrade, or revert by hand; nothing was changed");
        }
        log.accept(r.id() + " is only partly applied (" + (row.phaseDone() == null ? "expand in progress" : row.phaseDone() + " done")
                + "): undoing its expand steps instead of running its downgrade");
        return undo.steps();
    }

    // ---------------------------------------------------------------- status

    public List<RevisionStatus> status() {
        try (Connection c = dataSource.getConnection()) {
            Map<String, VersionRow> rows = store.load(c);
            refuseUnknown(rows);
            List<RevisionStatus> out = new ArrayList<>();
            for (Revision r : graph.ordered()) {
                VersionRow row = rows.get(r.id());
                List<Phase> phases = r.upgradeSteps(settings.allowDestructive()).stream().map(Step::phase).distinct().toList();
                String state = row == null ? "pending" : row.complete() && row.downStepsDone() == 0 ? "applied" : "partial";
                List<JobStatus> jobStatus = row == null ? List.of() : row.jobs().stream().map(jobs::status).toList();
                out.add(new RevisionStatus(r.id(), r.downRevisions(), r.message(), r.source(), phases, row == null ? null : row.phaseDone(),
                        state, jobStatus));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("reading pgbackfill.migration_version failed: " + e.getMessage(), e);
        }
    }

    /** Applied revisions that no applied revision depends on (what Alembic calls the current revision). */
    public List<String> current() {
        return current(status());
    }

    /** The current revisions of a status read once (so that they cannot disagree with it). */
    public static List<String> current(List<RevisionStatus> all) {
        Set<String> applied = all.stream().filter(r -> r.state().equals("applied")).map(RevisionStatus::revision).collect(Collectors.toSet());
        Set<String> parents = all.stream().filter(r -> applied.contains(r.revision())).flatMap(r -> r.downRevisions().stream()).collect(Collectors.toSet());
        return all.stream().map(RevisionStatus::revision).filter(id -> applied.contains(id) && !parents.contains(id)).toList();
    }

    public List<HistoryEntry> history() {
        try (Connection c = dataSource.getConnection()) {
            return store.history(c);
        } catch (SQLException e) {
            throw new IllegalStateException("reading pgbackfill.migration_history failed: " + e.getMessage(), e);
        }
    }

    /** True when no revision of this scope has begun. */
    public boolean atBase() {
        try (Connection c = dataSource.getConnection()) {
            return store.load(c).isEmpty();
        } catch (SQLException e) {
            throw new IllegalStateException("reading pgbackfill.migration_version failed: " + e.getMessage(), e);
        }
    }

    private void refuseUnknown(Map<String, VersionRow> rows) {
        List<String> unknown = rows.keySet().stream().filter(id -> !graph.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new MigrationRefusedException("the database has revision(s) " + unknown + " (scope " + settings.scope()
                    + ") that this revision set does not define; pass the --migrations / --jar that contain them, or another --scope");
        }
    }

    // ---------------------------------------------------------------- execution

    @FunctionalInterface
    private interface UnitDone {
        void after(Connection c, int stepsDone, boolean lastUnit) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    /**
     * Runs steps {@code from..} in units: consecutive GROUP steps share a transaction, OWN steps commit alone,
     * NONE steps run outside a transaction block. {@code done} records progress in the unit's own transaction
     * (right after it for NONE). A lock_timeout rolls the unit back and retries it with backoff.
     */
    private void run(Session s, Revision r, Phase phase, List<Step> steps, int from, UnitDone done) {
        int i = from;
        while (i < steps.size()) {
            Step first = steps.get(i);
            int end = i + 1;
            if (first instanceof SqlStep q && q.tx() == Tx.GROUP) {
                while (end < steps.size() && steps.get(end) instanceof SqlStep n && n.tx() == Tx.GROUP) {
                    end++;
                }
            }
            List<Step> unit = steps.subList(i, end);
            boolean last = end == steps.size();
            int stepsDone = end;
            if (first instanceof BackfillStep b) {
                // only downgrades meet a backfill here (e.g. reverting a rename); it runs to completion in-line
                long id = runner().launch(s.qualified(b.spec()), "migrate down " + r.id());
                log.accept(r.id() + " down: backfill job " + id + ": " + b.commandLine());
                finish(s, r, List.of(b), 0, id, false);
                s.sql(c -> done.after(c, stepsDone, last));
            } else {
                Tx tx = ((SqlStep) first).tx();
                String where = r.id() + (phase == null ? " down" : " " + phase) + " step " + (i + 1) + (unit.size() > 1 ? "-" + end : "")
                        + " of " + steps.size();
                new LockRetry(settings, log, where).run(() -> s.unit(tx, unit, c -> done.after(c, stepsDone, last), r, phase));
            }
            i = end;
        }
    }

    /**
     * One connection for the whole run, holding the scope's advisory lock. It leaves the pool afterwards (evicted,
     * not returned): a revision may have changed its session (search_path, role, timeouts), and the next user of a
     * pooled connection must not inherit that.
     */
    private final class Session implements AutoCloseable {
        private final Connection c;
        /** Whether this run has written anything yet: refusals say whether "nothing was changed" is true. */
        boolean changed;
        /** Revisions whose backfills passed the contract gate in this run. */
        final Set<String> gated = new java.util.HashSet<>();

        Session() {
            Connection conn = null;
            try {
                conn = dataSource.getConnection();
                conn.setAutoCommit(true);
                c = conn;
                lock();
            } catch (SQLException | RuntimeException e) {
                if (conn != null) {
                    discard(conn);
                }
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("opening the migration session failed: " + e.getMessage(), e);
            }
        }

        private void lock() throws SQLException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
            boolean told = false;
            while (true) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                    ps.setInt(1, 0x70676266); // "pgbf"
                    ps.setString(2, "migrate:" + settings.scope());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            return;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new MigrationRefusedException("another migrate runner has held the migration lock (scope " + settings.scope()
                            + ") for 10 minutes; check pg_locks for the advisory lock and its session");
                }
                if (!told) {
                    log.accept("waiting for another migrate runner of scope " + settings.scope() + " to finish...");
                    told = true;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the migration lock", e);
                }
            }
        }

        Map<String, VersionRow> rows() {
            try {
                Map<String, VersionRow> rows = store.load(c);
                refuseUnknown(rows);
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException("reading pgbackfill.migration_version failed: " + e.getMessage(), e);
            }
        }

        void sql(SqlWork work) {
            try {
                changed = true;
                work.run(c);
            } catch (SQLException e) {
                throw new IllegalStateException("recording migration progress failed: " + e.getMessage(), e);
            }
        }

        /** One unit of steps with its progress record, all or nothing (except NONE steps, one per unit). */
        void unit(Tx tx, List<Step> unit, SqlWork progress, Revision r, Phase phase) throws SQLException {
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = " + settings.lockTimeout().toMillis());
                st.execute("SET statement_timeout = " + settings.statementTimeout().toMillis());
            }
            boolean inTx = tx != Tx.NONE;
            c.setAutoCommit(!inTx);
            boolean committed = !inTx;
            try {
                for (Step step : unit) {
                    changed |= !inTx;
                    execute((SqlStep) step, r, phase);
                }
                progress.run(c);
                if (inTx) {
                    c.commit();
                    committed = true;
                    changed = true;
                }
            } finally {
                if (!committed) {
                    c.rollback(); // whatever went wrong (even an Error), the unit's statements must not commit
                }
                c.setAutoCommit(true);
            }
        }

        private void execute(SqlStep step, Revision r, Phase phase) throws SQLException {
            long t0 = System.nanoTime();
            try (Statement st = c.createStatement()) {
                if (step.repair() != null) {
                    try (ResultSet rs = st.executeQuery(step.repair().condition())) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            log.accept(r.id() + " repair: " + step.repair().sql());
                            st.execute(step.repair().sql());
                        }
                    }
                }
            } catch (SQLException e) {
                if (LockRetry.isLockTimeout(e)) {
                    throw e;
                }
                throw new MigrationFailedException("revision " + r.id() + " (" + step.origin() + "): repairing before the step failed: "
                        + firstLine(e.getMessage()) + "; statement: " + step.repair().sql(), e);
            }
            try (Statement st = c.createStatement()) {
                st.execute(step.sql());
            } catch (SQLException e) {
                if (LockRetry.isLockTimeout(e)) {
                    throw e;
                }
                throw new MigrationFailedException("revision " + r.id() + " (" + step.origin() + ") failed"
                        + (phase == null ? " in its downgrade" : " in phase " + phase) + ": " + firstLine(e.getMessage())
                        + " [SQLSTATE " + e.getSQLState() + "]; statement: " + abbreviate(step.sql())
                        + "; the steps before it are recorded: fix the cause and run migrate again to continue", e);
            }
            log.accept(String.format(Locale.ROOT, "%s %-8s %s  (%.2f s)", r.id(), phase == null ? "down" : phase.label(),
                    abbreviate(step.sql()), (System.nanoTime() - t0) / 1e9));
        }

        BackfillSpec qualified(BackfillSpec spec) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
                ps.setString(1, Names.table(spec.table()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return spec; // the launch refuses it with the catalog's suggestions
                    }
                    String table = new QualifiedName(rs.getString(1), rs.getString(2)).sql();
                    return new BackfillSpec(table, spec.set(), spec.where(), spec.from(), spec.join(), spec.key(), spec.batchSize(),
                            spec.chunkSize(), spec.throttle());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("resolving table " + spec.table() + " failed: " + e.getMessage(), e);
            }
        }

        /**
         * Statistics for the columns expand just added: without them the job's row estimate (its progress and ETA)
         * and the planner's choices rest on defaults. ANALYZE samples; it does not block reads or writes.
         */
        void analyze(BackfillSpec spec) {
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE " + Names.table(spec.table()));
            } catch (SQLException e) {
                log.accept("ANALYZE " + spec.table() + " skipped: " + firstLine(e.getMessage()));
            }
        }

        /** Rows still matching a finished job's predicate, counted up to REMAINING_PROBE + 1. */
        long remaining(ResolvedSpec spec) {
            try (PreparedStatement ps = c.prepareStatement(new BatchSql(spec).remaining(false, false))) {
                ps.setInt(1, REMAINING_PROBE + 1);
                long n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                    }
                }
                return n;
            } catch (SQLException e) {
                throw new IllegalStateException("checking the backfill's remaining rows failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_unlock(" + 0x70676266 + ", hashtext('migrate:" + settings.scope().replace("'", "''") + "'))");
            } catch (SQLException e) {
                log.accept("releasing the migration lock failed (" + firstLine(e.getMessage()) + "); closing the session releases it");
            }
            discard(c);
        }
    }

    /** Closes the connection for good (evicted from a Hikari pool), which also ends its session and its advisory locks. */
    private void discard(Connection c) {
        try {
            if (dataSource.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
                dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class).evictConnection(c);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the pool's own checks drop a broken connection
            }
        }
    }

    static String firstLine(String message) {
        return String.valueOf(message).lines().findFirst().orElse("").replaceFirst("^ERROR: ", "");
    }

    static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").strip();
        return flat.length() > 140 ? flat.substring(0, 137) + "..." : flat;
    }
}
