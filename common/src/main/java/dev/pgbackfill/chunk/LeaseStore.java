package dev.pgbackfill.chunk;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.db.ControlSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The worker's side of {@code pgbackfill.chunk}: claims, checkpoints (the fence of every batch), renews, completes,
 * marks stuck and releases one chunk lease. Every write but the claim names the lease token, so a worker that lost
 * its lease changes nothing. {@link ChunkStore} is the coordinator's side.
 */
public final class LeaseStore {
    /** Also returns who held the chunk before ({@code old}: the row as this statement found it), for takeover events. */
    private static final String CLAIM = """
            UPDATE pgbackfill.chunk c
               SET state = %1$s, lease_token = ?, lease_owner = ?, lease_expires_at = now() + ? * interval '1 millisecond',
                   attempts = c.attempts + 1, started_at = coalesce(c.started_at, now()), updated_at = now()
              FROM pgbackfill.job j,
                   (SELECT state AS was, lease_owner AS had, lease_expires_at AS expired_at FROM pgbackfill.chunk
                     WHERE job_id = ? AND chunk_no = ?) old
             WHERE c.job_id = ? AND c.chunk_no = ? AND j.id = c.job_id AND j.state = 'RUNNING'
               AND (c.state = %2$s OR (c.state = %1$s AND c.lease_expires_at < now()))
         RETURNING c.lo::text, c.hi::text, c.cursor::text, c.skipped, old.was, old.had,
                   extract(epoch FROM now() - old.expired_at)::float8,
                   (SELECT extract(epoch FROM now() - w.heartbeat_at)::float8 FROM pgbackfill.worker w WHERE w.id = old.had),
                   c.partition::text"""
            .formatted(ChunkState.RUNNING.sql(), ChunkState.PENDING.sql());
    /**
     * Claims the longest-waiting PENDING chunk of any RUNNING job whose request is out (SKIP LOCKED: idle workers
     * asking at once take different chunks), for a worker with a free runner that Kafka brought nothing. A request is
     * out when the chunk was published after its last change ({@code published_at > updated_at}: publishing touches
     * only {@code published_at}). A chunk given back after an error is not: {@code release} stamps both with the same
     * {@code now()}, and it waits for the coordinator's republication, after the republish interval, as before.
     */
    private static final String CLAIM_NEXT = """
            WITH pick AS (
                SELECT c.job_id, c.chunk_no FROM pgbackfill.chunk c JOIN pgbackfill.job j ON j.id = c.job_id AND j.state = 'RUNNING'
                 WHERE c.state = %2$s AND c.published_at > c.updated_at AND c.published_at < now() - ? * interval '1 millisecond'
                 ORDER BY c.published_at, c.job_id, c.chunk_no LIMIT 1 FOR UPDATE OF c SKIP LOCKED)
            UPDATE pgbackfill.chunk c
               SET state = %1$s, lease_token = ?, lease_owner = ?, lease_expires_at = now() + ? * interval '1 millisecond',
                   attempts = c.attempts + 1, started_at = coalesce(c.started_at, now()), updated_at = now()
              FROM pick
             WHERE c.job_id = pick.job_id AND c.chunk_no = pick.chunk_no
         RETURNING c.job_id, c.chunk_no, c.lo::text, c.hi::text, c.cursor::text, c.skipped, c.partition::text"""
            .formatted(ChunkState.RUNNING.sql(), ChunkState.PENDING.sql());
    private static final String UNLEASE = "lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL";

    private final DataSource dataSource;
    private final String owner;
    private final Duration leaseDuration;

    public LeaseStore(DataSource dataSource, String owner, Duration leaseDuration) {
        this.dataSource = dataSource;
        this.owner = owner;
        this.leaseDuration = leaseDuration;
    }

    public Duration leaseDuration() {
        return leaseDuration;
    }

    /**
     * Claims a chunk if its job is RUNNING and nobody holds a live lease on it. Returns empty for a duplicate or
     * stale request (chunk done, leased by another worker, job paused): such requests are simply dropped.
     */
    public Optional<ChunkLease> claim(ChunkRequest request) throws SQLException {
        UUID token = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setObject(1, token);
            ps.setString(2, owner);
            ps.setLong(3, leaseDuration.toMillis());
            ps.setLong(4, request.jobId());
            ps.setInt(5, request.chunkNo());
            ps.setLong(6, request.jobId());
            ps.setInt(7, request.chunkNo());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (ChunkState.RUNNING.name().equals(rs.getString(5))) {
                    noteTakeover(request, rs.getString(6), rs.getDouble(7), (Double) rs.getObject(8));
                }
                return Optional.of(new ChunkLease(request.jobId(), request.chunkNo(), token, ChunkStore.key(rs.getString(1)),
                        ChunkStore.key(rs.getString(2)), ChunkStore.key(rs.getString(3)), rs.getBoolean(4), ChunkStore.partition(rs.getString(9))));
            }
        }
    }

    /**
     * Claims a chunk no request brought: the published PENDING chunk of a RUNNING job that has waited longest, if it
     * has waited at least {@code waited} since its request went out. Kafka hands each request to the one consumer
     * that owns its partition, so a request can sit behind a busy worker while others idle (at a job's tail, or
     * before a new worker's partitions are assigned); the lease decides who runs it, and the request, when it
     * arrives, finds the chunk claimed and is dropped. Empty when nothing waits.
     */
    public Optional<ChunkLease> claimWaiting(Duration waited) throws SQLException {
        UUID token = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(CLAIM_NEXT)) {
            ps.setLong(1, waited.toMillis());
            ps.setObject(2, token);
            ps.setString(3, owner);
            ps.setLong(4, leaseDuration.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ChunkLease(rs.getLong(1), rs.getInt(2), token, ChunkStore.key(rs.getString(3)),
                        ChunkStore.key(rs.getString(4)), ChunkStore.key(rs.getString(5)), rs.getBoolean(6), ChunkStore.partition(rs.getString(7))));
            }
        }
    }

    /** A job event: the chunk moved on from a worker whose lease expired (it died, or stalled past its lease). */
    private void noteTakeover(ChunkRequest request, String from, double expiredSeconds, Double heartbeatAge) {
        String worker = heartbeatAge == null || heartbeatAge > 30 ? "no heartbeat from it for "
                + (heartbeatAge == null ? "a while (it stopped)" : Math.round(heartbeatAge) + " s") : "it still heartbeats: stalled?";
        new JobStore(dataSource).note(request.jobId(), "lease", "worker " + owner, String.format(java.util.Locale.ROOT,
                "chunk %d taken over from worker %s: its lease expired %.1f s ago; %s", request.chunkNo(), from, expiredSeconds, worker));
    }

    /**
     * The fence and checkpoint of one batch, run inside the batch's transaction after its UPDATE: records the
     * cursor and counts and extends the lease, only if this worker still holds the lease token. The job row is
     * read FOR SHARE, so a pause or cancel waits for batches in flight and no batch commits after it.
     *
     * The checkpoint also requires the range's upper bound the worker works to: a chunk the coordinator split meanwhile
     * ({@code ChunkStore.split}) refuses the batch, which may have gone past the new bound.
     *
     * @throws LeaseLostException     when the token no longer matches (the caller must roll back)
     * @throws BoundChangedException  when the chunk was split (the caller must roll back and go on with its lease)
     * @throws JobStoppedException    when the job is not RUNNING (the caller must roll back)
     */
    public void checkpoint(Connection c, ChunkLease lease, List<String> cursor, long rows, boolean skipLocked) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                WITH j AS (SELECT state FROM pgbackfill.job WHERE id = ? FOR SHARE)
                UPDATE pgbackfill.chunk c
                   SET cursor = coalesce(?::jsonb, c.cursor), batches = c.batches + 1, skipped = c.skipped OR ?,
                       rows_done = c.rows_done + CASE WHEN c.reopened THEN 0 ELSE ?::bigint END,
                       rows_reswept = c.rows_reswept + CASE WHEN c.reopened THEN ?::bigint ELSE 0 END,
                       lease_expires_at = now() + ? * interval '1 millisecond', updated_at = now()
                  FROM j
                 WHERE c.job_id = ? AND c.chunk_no = ? AND c.lease_token = ? AND c.hi IS NOT DISTINCT FROM ?::jsonb
             RETURNING j.state""")) {
            ps.setLong(1, lease.jobId());
            ps.setString(2, cursor == null ? null : Json.write(cursor));
            ps.setBoolean(3, skipLocked);
            ps.setLong(4, rows);
            ps.setLong(5, rows);
            ps.setLong(6, leaseDuration.toMillis());
            ps.setLong(7, lease.jobId());
            ps.setInt(8, lease.chunkNo());
            ps.setObject(9, lease.token());
            ps.setString(10, lease.hi() == null ? null : Json.write(lease.hi()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw splitOrLost(c, lease);
                }
                JobState state = JobState.valueOf(rs.getString(1));
                if (state != JobState.RUNNING) {
                    throw new JobStoppedException(lease.jobId(), state);
                }
            }
        }
    }

    /** Why the fence refused: the chunk was split (still ours, a new upper bound), or the lease is gone. */
    private static RuntimeException splitOrLost(Connection c, ChunkLease lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT hi::text FROM pgbackfill.chunk WHERE job_id = ? AND chunk_no = ? AND lease_token = ?")) {
            ps.setLong(1, lease.jobId());
            ps.setInt(2, lease.chunkNo());
            ps.setObject(3, lease.token());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new BoundChangedException(lease.withHi(ChunkStore.key(rs.getString(1)))) : new LeaseLostException(lease);
            }
        }
    }

    /** Extends the lease while the worker waits (throttle, backoff); false when it was lost. */
    public boolean renew(ChunkLease lease) throws SQLException {
        return update(lease, "lease_expires_at = now() + " + leaseDuration.toMillis() + " * interval '1 millisecond'", null) == 1;
    }

    /**
     * The chunk's whole range was verified: nothing in it matches the predicate any more. Fenced on the range's end as
     * well as the token: a chunk split since the worker checked it is not marked done over a range it did not check.
     *
     * @throws BoundChangedException when the chunk was split meanwhile (check again within the new bound)
     */
    public boolean complete(ChunkLease lease, int sweeps) throws SQLException {
        boolean done = updateWithinBounds(lease, "state = " + ChunkState.DONE.sql() + ", finished_at = now(), stuck_rows = 0, stuck_keys = NULL, "
                + "skipped = false, sweeps = sweeps + " + sweeps + ", " + UNLEASE, null);
        if (done) {
            notifyChunkDone(lease.jobId());
        }
        return done;
    }

    /**
     * Tells a listening coordinator that a chunk finished, so it checks at once whether the job is complete instead of
     * at its next tick. Best effort: without it the tick still finds the job complete.
     */
    private void notifyChunkDone(long jobId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, ControlSchema.CHUNK_DONE_CHANNEL);
            ps.setString(2, Long.toString(jobId));
            ps.execute();
        } catch (SQLException e) {
            // the coordinator's tick covers it
        }
    }

    /** Rows in the range stayed locked (or kept matching) through every sweep: report them, never drop them. */
    public boolean markStuck(ChunkLease lease, long rows, List<List<String>> sampleKeys, int sweeps) throws SQLException {
        return updateWithinBounds(lease, "state = " + ChunkState.STUCK.sql() + ", finished_at = now(), stuck_rows = " + rows + ", stuck_keys = ?::jsonb, "
                + "sweeps = sweeps + " + sweeps + ", " + UNLEASE, Json.write(sampleKeys));
    }

    /** {@link #update} that also requires the range's end the worker worked to; a split chunk throws instead. */
    private boolean updateWithinBounds(ChunkLease lease, String set, String jsonParam) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (update(c, lease, set, jsonParam, true) == 1) {
                return true;
            }
            RuntimeException why = splitOrLost(c, lease);
            if (why instanceof BoundChangedException split) {
                throw split;
            }
            return false;
        }
    }

    /**
     * Gives the chunk back (job paused, worker stopping, database trouble): it becomes PENDING with its checkpoint.
     * {@code republishSoon}: let the coordinator publish it again at its next tick rather than after the
     * republish interval.
     */
    public boolean release(ChunkLease lease, boolean republishSoon) throws SQLException {
        return update(lease, "state = " + ChunkState.PENDING.sql() + ", " + UNLEASE
                + (republishSoon ? ", published_at = NULL" : ", published_at = now()"), null) == 1;
    }

    private int update(ChunkLease lease, String set, String jsonParam) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return update(c, lease, set, jsonParam, false);
        }
    }

    /** Updates the chunk if this lease still holds it ({@code withinBounds}: and its range still ends where the lease's does). */
    private static int update(Connection c, ChunkLease lease, String set, String jsonParam, boolean withinBounds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pgbackfill.chunk SET " + set + ", updated_at = now() "
                + "WHERE job_id = ? AND chunk_no = ? AND lease_token = ?" + (withinBounds ? " AND hi IS NOT DISTINCT FROM ?::jsonb" : ""))) {
            int i = 1;
            if (jsonParam != null) {
                ps.setString(i++, jsonParam);
            }
            ps.setLong(i++, lease.jobId());
            ps.setInt(i++, lease.chunkNo());
            ps.setObject(i++, lease.token());
            if (withinBounds) {
                ps.setString(i, lease.hi() == null ? null : Json.write(lease.hi()));
            }
            return ps.executeUpdate();
        }
    }
}
