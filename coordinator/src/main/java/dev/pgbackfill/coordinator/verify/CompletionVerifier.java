package dev.pgbackfill.coordinator.verify;

import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.coordinator.monitor.ProgressSampler;
import dev.pgbackfill.coordinator.publish.Republisher;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a job is done. Once no chunk is open: a job with stuck rows fails (naming them); otherwise the
 * whole table is verified for rows still matching the predicate (rows inserted into finished chunks' ranges during
 * the run), and the chunks that have such rows are reopened, or the job SUCCEEDED. Nothing is skipped silently.
 */
public final class CompletionVerifier {
    private static final Logger log = LoggerFactory.getLogger(CompletionVerifier.class);

    private final JobStore jobs;
    private final ChunkStore chunks;
    private final Republisher republisher;
    private final ProgressSampler sampler;
    private final int maxVerifyRounds;

    public CompletionVerifier(JobStore jobs, ChunkStore chunks, Republisher republisher, ProgressSampler sampler, int maxVerifyRounds) {
        this.jobs = jobs;
        this.chunks = chunks;
        this.republisher = republisher;
        this.sampler = sampler;
        this.maxVerifyRounds = maxVerifyRounds;
    }

    /** Completes, fails or reopens the job when none of its chunks is open; does nothing while one is. */
    public void completeIfFinished(Connection c, long jobId) throws SQLException {
        ChunkStore.Tally tally = chunks.tally(c, jobId);
        int rounds = jobs.verifyRounds(c, jobId);
        c.commit();
        if (tally.open() > 0) {
            return;
        }
        if (tally.stuckRows() > 0) {
            jobs.transition(jobId, JobState.FAILED, "coordinator", tally.stuckRows() + " row(s) stayed locked by other sessions or kept "
                    + "matching the predicate; see stuckRows, release the locks and `resume` the job");
            return;
        }
        List<Integer> withRows = chunksWithRowsLeft(c, jobId);
        if (withRows.isEmpty()) {
            succeed(c, jobId);
        } else if (rounds >= maxVerifyRounds) {
            jobs.transition(jobId, JobState.FAILED, "coordinator", "rows keep matching the predicate after " + rounds
                    + " verification rounds: is the application still writing rows that need the backfill (add a sync trigger or "
                    + "dual-write), or does --where stay true after the update?");
        } else {
            chunks.reopen(c, jobId, withRows);
            jobs.countVerifyRound(c, jobId, false);
            c.commit();
            log.info("job {}: verification found rows still matching in {} chunk(s); reopened them", jobId, withRows.size());
            republisher.publishDue(jobId);
        }
    }

    /**
     * Slice by slice, each query bounded: never one statement over the whole table. First a sequential read of the
     * pages; only when a row still matches, the chunk-by-chunk check that says which chunks to reopen.
     */
    private List<Integer> chunksWithRowsLeft(Connection c, long jobId) throws SQLException {
        ResolvedSpec spec = jobs.resolvedSpec(jobId);
        BatchSql sql = new BatchSql(spec);
        return RemainingRows.anyInPages(c, spec, sql) ? RemainingRows.chunksWithRows(c, chunks.ranges(c, jobId), sql) : List.of();
    }

    private void succeed(Connection c, long jobId) throws SQLException {
        if (jobs.transition(jobId, JobState.SUCCEEDED, "coordinator", "every chunk done; no row matches the predicate")) {
            sampler.sample(c, jobId);
            c.commit();
            log.info("job {} SUCCEEDED", jobId);
        }
    }
}
