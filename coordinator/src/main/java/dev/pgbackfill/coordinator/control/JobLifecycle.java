package dev.pgbackfill.coordinator.control;

import dev.pgbackfill.chunk.ChunkRange;
import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.coordinator.health.HealthGate;
import dev.pgbackfill.coordinator.plan.Plan;
import dev.pgbackfill.coordinator.plan.Planner;
import dev.pgbackfill.coordinator.plan.SpecValidator;
import dev.pgbackfill.coordinator.publish.Republisher;
import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators and programs do to jobs — validate, launch, pause, resume, cancel, throttle, watch — whether
 * they come through the REST API, the CLI, the migrations engine or Java. Every change is a job transition in
 * PostgreSQL; the monitor and the workers act on it within one batch.
 */
public final class JobLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

    private final DataSource dataSource;
    private final JobStore jobs;
    private final ChunkStore chunks;
    private final Republisher republisher;
    private final HealthGate health;

    public JobLifecycle(DataSource dataSource, JobStore jobs, ChunkStore chunks, Republisher republisher, HealthGate health) {
        this.dataSource = dataSource;
        this.jobs = jobs;
        this.chunks = chunks;
        this.republisher = republisher;
        this.health = health;
    }

    public JobStore jobs() {
        return jobs;
    }

    /** Checks a spec against the catalog without creating anything; throws InvalidInputException when it is bad. */
    public ResolvedSpec validate(BackfillSpec spec) {
        try (Connection c = dataSource.getConnection()) {
            return new SpecValidator(c, health.probe()).validate(spec).spec();
        } catch (SQLException e) {
            throw DatabaseException.wrap("validating the spec", e);
        }
    }

    /**
     * Validates, plans and starts a job; returns its id. A bad spec is refused before anything is written.
     * The job is visible as PLANNING while its chunks are cut, then RUNNING once they are published.
     */
    public long launch(BackfillSpec spec, String actor) {
        long jobId;
        try (Connection c = dataSource.getConnection()) {
            SpecValidator validator = new SpecValidator(c, health.probe());
            SpecValidator.Validated v = validator.validate(spec);
            long estimate = validator.estimateRows(v, spec);
            c.setAutoCommit(false);
            jobId = jobs.create(c, spec, v.spec(), v.plan(), estimate, actor);
            c.commit();
            int planned = plan(c, jobId, v, actor);
            log.info("job {} launched by {}: {} chunk(s) on {}", jobId, actor, planned, spec.table());
        } catch (SQLException e) {
            throw DatabaseException.wrap("launching the job", e);
        }
        if (!pausedByHealthAtLaunch(jobId, spec.throttleOrNone())) {
            republisher.publishDue(jobId);
        }
        return jobId;
    }

    /**
     * Cuts the job's chunks and makes it RUNNING, in one transaction; a failure fails the job. A job cancelled
     * meanwhile stays CANCELLED with no chunk (launch still returns its id: its status says what happened).
     */
    private int plan(Connection c, long jobId, SpecValidator.Validated v, String actor) throws SQLException {
        try {
            Plan plan = new Planner(c).plan(v.spec(), v.table());
            chunks.insert(c, jobId, plan.chunks());
            jobs.transition(c, jobId, JobState.RUNNING, actor, plan.summary());
            c.commit();
            return plan.chunks().size();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            if (jobs.status(jobId).state() == JobState.CANCELLED) {
                // an operator cancelled it while its chunks were cut: that is its end, not a planning failure
                log.info("job {} was cancelled while it was being planned: no chunk was written", jobId);
                return 0;
            }
            jobs.transition(jobId, JobState.FAILED, "coordinator", "planning failed: " + e.getMessage());
            throw e;
        }
    }

    /** Health is judged before the first request goes out: a job launched into an unhealthy database waits. */
    private boolean pausedByHealthAtLaunch(long jobId, ThrottleSettings throttle) {
        if (!throttle.hasHealthSignals()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            return health.pausedByHealth(c, jobId, throttle, health.read(c));
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading health signals", e);
        }
    }

    public boolean pause(long jobId, String actor, String reason) {
        return jobs.transition(jobId, JobState.PAUSED, actor, reason);
    }

    /** Resumes a PAUSED job (or retries a FAILED one): its unfinished chunks continue from their checkpoints. */
    public boolean resume(long jobId, String actor, String reason) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            boolean changed = jobs.transition(c, jobId, JobState.RUNNING, actor, reason);
            jobs.countVerifyRound(c, jobId, true);
            chunks.resetForResume(c, jobId);
            c.commit();
            republisher.publishDue(jobId);
            return changed;
        } catch (SQLException e) {
            throw DatabaseException.wrap("resuming job " + jobId, e);
        }
    }

    public boolean cancel(long jobId, String actor, String reason) {
        return jobs.transition(jobId, JobState.CANCELLED, actor, reason);
    }

    public JobStatus status(long jobId) {
        return jobs.status(jobId);
    }

    /**
     * Waits until the job is SUCCEEDED, FAILED or CANCELLED, or {@code timeout} passed; reports the status to
     * {@code progress} about once a second. Returns the last status seen.
     */
    public JobStatus awaitFinished(long jobId, Duration timeout, Consumer<JobStatus> progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        JobStatus s = jobs.status(jobId);
        while (!s.state().isTerminal() && System.nanoTime() < deadline) {
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                progress.accept(s);
                lastReport = System.nanoTime();
            }
            Thread.sleep(50);
            s = jobs.status(jobId);
        }
        return s;
    }

    /**
     * Changes a job's throttle while it runs: {@code change}'s set fields replace the current ones ({@code clear}
     * first drops them all). Workers see the change within a second. Bad values are refused, nothing changed.
     */
    public ThrottleSettings throttle(long jobId, ThrottleSettings change, boolean clear, String actor) {
        ThrottleSettings current = clear ? ThrottleSettings.NONE : jobs.throttle(jobId);
        ThrottleSettings next = current.merge(change).validated();
        if (next.probe() != null && (change != null && change.probe() != null)) {
            try (Connection c = dataSource.getConnection()) {
                health.probe().run(c, next.probe());
            } catch (SQLException e) {
                throw DatabaseException.wrap("trying the probe", e);
            }
        }
        return jobs.setThrottle(jobId, next, actor, (clear ? "cleared; " : "") + Json.write(change == null ? ThrottleSettings.NONE : change)
                .replaceAll(",?\"[a-zA-Z]+\":null", "").replace("{,", "{"));
    }
}
