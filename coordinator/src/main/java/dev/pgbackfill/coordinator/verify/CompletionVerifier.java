package dev.pgbackfill.coordinator.verify;

import dev.pgbackfill.chunk.ChunkRange;
import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.coordinator.catalog.Partitions;
import dev.pgbackfill.coordinator.monitor.ProgressSampler;
import dev.pgbackfill.coordinator.publish.Republisher;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.sql.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
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
        Leftovers left = leftovers(c, jobId);
        List<Integer> withRows = left.chunks();
        if (left.isEmpty()) {
            succeed(c, jobId);
        } else if (rounds >= maxVerifyRounds) {
            jobs.transition(jobId, JobState.FAILED, "coordinator", "rows keep matching the predicate after " + rounds
                    + " verification rounds: is the application still writing rows that need the backfill (add a sync trigger or "
                    + "dual-write), or does --where stay true after the update?");
        } else {
            chunks.reopen(c, jobId, withRows);
            chunks.append(c, jobId, left.newPartitions());
            jobs.countVerifyRound(c, jobId, false);
            c.commit();
            log.info("job {}: verification found rows still matching in {} chunk(s) and {} partition(s) attached during the run; "
                    + "reopened and added them", jobId, withRows.size(), left.newPartitions().size());
            republisher.publishDue(jobId);
        }
    }

    /**
     * Where rows still match: chunks to reopen, and partitions attached during the run that no chunk covers (one
     * open chunk each is added for them).
     */
    record Leftovers(List<Integer> chunks, List<ChunkRange> newPartitions) {
        boolean isEmpty() {
            return chunks.isEmpty() && newPartitions.isEmpty();
        }
    }

    /**
     * Slice by slice, each query bounded: never one statement over the whole table. First a sequential read of the
     * pages; only when a row still matches, the chunk-by-chunk check that says which chunks to reopen. A job planned
     * partition by partition is checked partition by partition, the partitions as the catalog lists them now.
     */
    private Leftovers leftovers(Connection c, long jobId) throws SQLException {
        ResolvedSpec spec = jobs.resolvedSpec(jobId);
        List<ChunkStore.Range> ranges = chunks.ranges(c, jobId);
        if (ranges.stream().allMatch(r -> r.partition() == null)) {
            BatchSql sql = new BatchSql(spec);
            return new Leftovers(RemainingRows.anyInPages(c, spec, sql) ? RemainingRows.chunksWithRows(c, ranges, sql) : List.of(), List.of());
        }
        List<Integer> reopen = new ArrayList<>();
        List<ChunkRange> added = new ArrayList<>();
        List<QualifiedName> leaves = Partitions.leaves(c, spec.table()).stream().map(Partitions.Partition::name).toList();
        c.commit();
        for (QualifiedName leaf : leaves) {
            ResolvedSpec onLeaf = spec.onPartition(leaf);
            BatchSql sql = new BatchSql(onLeaf);
            if (!RemainingRows.anyInPages(c, onLeaf, sql)) {
                continue;
            }
            List<ChunkStore.Range> mine = ranges.stream().filter(r -> leaf.equals(r.partition())).toList();
            if (mine.isEmpty()) {
                added.add(new ChunkRange(null, null, leaf));
            } else {
                reopen.addAll(RemainingRows.chunksWithRows(c, mine, sql));
            }
        }
        return new Leftovers(reopen, added);
    }

    private void succeed(Connection c, long jobId) throws SQLException {
        if (jobs.transition(jobId, JobState.SUCCEEDED, "coordinator", "every chunk done; no row matches the predicate")) {
            sampler.sample(c, jobId);
            c.commit();
            log.info("job {} SUCCEEDED", jobId);
        }
    }
}
