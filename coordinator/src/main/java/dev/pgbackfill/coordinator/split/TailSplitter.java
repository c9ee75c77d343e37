package dev.pgbackfill.coordinator.split;

import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.chunk.WorkerCapacity;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.sql.PlanEstimate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a running chunk so an idle worker thread takes part of it: the tail of a job is no longer one worker on one
 * chunk, and a chunk the plan made too big (stale statistics, a skewed key) is shared out while it runs.
 *
 * <p>The cut is made under the chunk's row lock, beyond its cursor as it is then: every batch's checkpoint updates
 * that row, so no batch of the chunk commits meanwhile, and the next one sees the new bound in the fence
 * ({@code LeaseStore.checkpoint}), is rolled back if it went past it, and is redone inside it. No row is lost (the
 * new chunk starts where the old one now ends) and none is applied twice. (The stored cursor can trail the worker —
 * the last batch of a pass does not move it, a sweep moves it back — so a new piece may start over rows already
 * done; its predicate finds nothing to change there, at the cost of reading them.)
 */
public final class TailSplitter {
    private static final Logger log = LoggerFactory.getLogger(TailSplitter.class);
    /** The farthest an index probe for the cut walks: bounded work for the coordinator, whatever the chunk's size. */
    static final long MAX_PROBE_OFFSET = 250_000;

    /** A job's chunks are looked at once a second at most: the probes that size them read the index. */
    static final long LOOK_EVERY_NANOS = 1_000_000_000L;

    private final JobStore jobs;
    private final ChunkStore chunks;
    private final Map<Long, Long> lastLook = new java.util.concurrent.ConcurrentHashMap<>();

    public TailSplitter(JobStore jobs, ChunkStore chunks) {
        this.jobs = jobs;
        this.chunks = chunks;
    }

    /** Splits one chunk of the job when a worker thread would otherwise idle; true when it did (publish the new chunk). */
    public boolean splitIfIdle(Connection c, long jobId) throws SQLException {
        long now = System.nanoTime();
        Long last = lastLook.get(jobId);
        if (last != null && now - last < LOOK_EVERY_NANOS) {
            return false;
        }
        lastLook.put(jobId, now);
        List<ChunkStore.Open> open = chunks.open(c, jobId);
        int threads = open.isEmpty() ? 0 : WorkerCapacity.liveThreads(c);
        c.commit();
        if (open.isEmpty() || open.size() >= threads) {
            return false;
        }
        ResolvedSpec spec = jobs.resolvedSpec(jobId);
        Map<Integer, ChunkStore.Open> byNo = open.stream().collect(Collectors.toMap(ChunkStore.Open::chunkNo, Function.identity()));
        List<SplitPolicy.Candidate> candidates = new ArrayList<>();
        long minPiece = SplitPolicy.minPiece(spec.batchSize());
        for (ChunkStore.Open o : open) {
            // a chunk with no rate yet (PENDING, or just claimed) counts as open work but is not cut: nothing is known of its pace
            long need = Math.min(2 * MAX_PROBE_OFFSET, Math.max(2 * minPiece, (long) Math.ceil(o.rate() * 2 * SplitPolicy.MIN_PIECE_SECONDS)));
            long left = o.rate() > 0 ? rowsLeft(c, sql(spec, o), from(o), o.hi(), need) : 0;
            candidates.add(new SplitPolicy.Candidate(o.chunkNo(), left, o.rate()));
        }
        c.commit();
        Optional<SplitPolicy.Candidate> chosen = SplitPolicy.choose(candidates, threads, SplitPolicy.minPiece(spec.batchSize()));
        return chosen.isPresent() && split(c, jobId, spec, byNo.get(chosen.get().chunkNo()), chosen.get().rowsLeft());
    }

    /** Finds the cut (an index probe from the cursor), then makes it under the row lock if the cursor is still before it. */
    private boolean split(Connection c, long jobId, ResolvedSpec spec, ChunkStore.Open seen, long rowsLeft) throws SQLException {
        BatchSql sql = sql(spec, seen);
        long minPiece = SplitPolicy.minPiece(spec.batchSize());
        long counted = gallop(c, sql, from(seen), seen.hi(), minPiece);
        if (counted == 0) {
            c.rollback();
            return false; // fewer than two pieces' worth of keys left: the estimate was wrong
        }
        long left;
        if (counted * 4 <= 2 * MAX_PROBE_OFFSET) {
            // the probes bracket the rows left in [counted, 4 counted): one more halves the bracket
            left = keyAt(c, sql, from(seen), seen.hi(), 2 * counted) != null ? 3 * counted : 3 * counted / 2;
        } else {
            left = Math.max(rowsLeft, counted); // past the probes' cap: statistics say how much more
        }
        List<String> at = keyAt(c, sql, from(seen), seen.hi(), Math.max(minPiece, Math.min(left / 2, MAX_PROBE_OFFSET)));
        if (at == null || (seen.hi() != null && !before(c, sql, at, seen.hi()))) {
            c.rollback();
            return false; // fewer rows than estimated, or the cut is the chunk's last key: nothing would be left to share
        }
        ChunkStore.Open now = chunks.lockOpen(c, jobId, seen.chunkNo());
        if (now == null || !java.util.Objects.equals(now.hi(), seen.hi()) || (from(now) != null && !before(c, sql, from(now), at))) {
            c.rollback();
            return false; // finished, split, or past the cut meanwhile: look again at the next tick
        }
        int piece = chunks.split(c, jobId, now, at);
        c.commit();
        String reason = "chunk " + now.chunkNo() + " split at key " + at + " for an idle worker thread (at least " + left
                + " rows were left in it): keys after it are chunk " + piece;
        jobs.note(jobId, "split", "coordinator", reason);
        log.info("job {}: {}", jobId, reason);
        return true;
    }

    private static BatchSql sql(ResolvedSpec spec, ChunkStore.Open chunk) {
        return new BatchSql(chunk.partition() == null ? spec : spec.onPartition(chunk.partition()));
    }

    /** Where the chunk's worker is: its cursor, or its lower bound before its first batch. */
    private static @Nullable List<String> from(ChunkStore.Open chunk) {
        return chunk.cursor() != null ? chunk.cursor() : chunk.lo();
    }

    /**
     * Rows left in {@code (lower, upper]}, to rank the chunks: the planner's estimate from statistics (no row read); when
     * that is below {@code need} (two pieces' worth), one index probe at that offset checks it, since a never-analysed
     * table's estimates are guesses.
     */
    static long rowsLeft(Connection c, BatchSql sql, @Nullable List<String> lower, @Nullable List<String> upper, long need)
            throws SQLException {
        long estimate;
        try (PreparedStatement ps = c.prepareStatement(sql.estimateRange(lower != null, upper != null))) {
            BatchSql.bindRange(ps, lower, upper);
            try (ResultSet rs = ps.executeQuery()) {
                estimate = PlanEstimate.rows(rs);
            }
        }
        if (estimate >= need) {
            return estimate;
        }
        // statistics can be far off (never analysed, stale): one probe decides whether the work for two pieces is there
        return keyAt(c, sql, lower, upper, need) != null ? need : estimate;
    }

    /**
     * The largest offset, of index probes at growing offsets (×4 from two pieces, up to twice {@link #MAX_PROBE_OFFSET}),
     * at which the range still has a key: the rows left are at least that and, unless the cap was reached, less than
     * four times that. So the cut lands near the middle even where statistics are wrong.
     */
    private static long gallop(Connection c, BatchSql sql, @Nullable List<String> lower, @Nullable List<String> upper, long minPiece)
            throws SQLException {
        long found = 0;
        for (long offset = 2 * minPiece; offset <= 2 * MAX_PROBE_OFFSET; offset *= 4) {
            if (keyAt(c, sql, lower, upper, offset) == null) {
                break;
            }
            found = offset;
        }
        return found;
    }

    private static @Nullable List<String> keyAt(Connection c, BatchSql sql, @Nullable List<String> lower, @Nullable List<String> upper,
                                                long offset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.sliceEnd(lower != null, upper != null))) {
            int i = BatchSql.bindRange(ps, lower, upper);
            ps.setLong(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> key = new ArrayList<>();
                for (int k = 1; k <= sql.spec().keys().size(); k++) {
                    key.add(rs.getString(k));
                }
                return key;
            }
        }
    }

    private static boolean before(Connection c, BatchSql sql, List<String> a, List<String> b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.keyBefore())) {
            BatchSql.bindKey(ps, BatchSql.bindKey(ps, 1, a), b);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
