package dev.pgbackfill.chunk;

import org.jspecify.annotations.Nullable;
import static dev.pgbackfill.chunk.ChunkState.DONE;
import static dev.pgbackfill.chunk.ChunkState.PENDING;
import static dev.pgbackfill.chunk.ChunkState.RUNNING;
import static dev.pgbackfill.chunk.ChunkState.STUCK;

import dev.pgbackfill.job.Json;
import dev.pgbackfill.sql.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's side of {@code pgbackfill.chunk}: a job's chunks are inserted, found due for a request, marked
 * published, reopened and reset here ({@link LeaseStore} is the worker's side). Every method runs on the caller's
 * connection and transaction, so a change of chunks commits with the job change it belongs to.
 */
public final class ChunkStore {
    /** What a job's chunks say about its completion. */
    public record Tally(long open, long stuckRows) {
    }

    /** A chunk's number, key range {@code (lo, hi]} and the leaf partition it walks (null: the job's table). */
    public record Range(int chunkNo, @Nullable List<String> lo, @Nullable List<String> hi, @Nullable QualifiedName partition) {
    }

    private static final String DUE = """
            SELECT chunk_no FROM pgbackfill.chunk
             WHERE job_id = ?
               AND ((state = %1$s AND (published_at IS NULL OR published_at < now() - ? * interval '1 millisecond'))
                 OR (state = %2$s AND lease_expires_at < now()
                     AND (published_at IS NULL OR published_at < greatest(lease_expires_at, now() - ? * interval '1 millisecond'))))
             ORDER BY chunk_no""".formatted(PENDING.sql(), RUNNING.sql());
    private static final String RESET_FOR_RESUME = """
            UPDATE pgbackfill.chunk SET state = %1$s, published_at = NULL, updated_at = now(),
                   stuck_rows = CASE WHEN state = %2$s THEN 0 ELSE stuck_rows END,
                   lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
             WHERE job_id = ? AND (state IN %3$s OR (state = %4$s AND lease_expires_at < now()))"""
            .formatted(PENDING.sql(), STUCK.sql(), ChunkState.sqlList(PENDING, STUCK), RUNNING.sql());
    private static final String TALLY = """
            SELECT count(*) FILTER (WHERE state IN %s), coalesce(sum(stuck_rows) FILTER (WHERE state = %s), 0)
              FROM pgbackfill.chunk WHERE job_id = ?""".formatted(ChunkState.sqlList(PENDING, RUNNING), STUCK.sql());
    private static final String REOPEN = """
            UPDATE pgbackfill.chunk SET state = %s, cursor = lo, reopened = true, published_at = NULL, finished_at = NULL,
                   updated_at = now()
             WHERE job_id = ? AND chunk_no = ANY (?) AND state = %s""".formatted(PENDING.sql(), DONE.sql());

    /** Inserts a freshly planned job's chunks, numbered from 0, each with its cursor at its lower bound. */
    public void insert(Connection c, long jobId, List<ChunkRange> chunks) throws SQLException {
        insert(c, jobId, chunks, 0);
    }

    /**
     * Adds chunks to a running job, numbered after its last one: the final check found rows in a partition that was
     * attached during the run, which no chunk covers. They are PENDING and due for a request. Returns the first new
     * chunk's number (-1 when there is none to add).
     */
    public int append(Connection c, long jobId, List<ChunkRange> chunks) throws SQLException {
        if (chunks.isEmpty()) {
            return -1;
        }
        int next;
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(chunk_no) + 1, 0) FROM pgbackfill.chunk WHERE job_id = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                next = rs.getInt(1);
            }
        }
        insert(c, jobId, chunks, next);
        return next;
    }

    private static void insert(Connection c, long jobId, List<ChunkRange> chunks, int first) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pgbackfill.chunk (job_id, chunk_no, lo, hi, cursor, partition) "
                + "VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb)")) {
            int no = first;
            for (ChunkRange r : chunks) {
                String lo = r.lo() == null ? null : Json.write(r.lo());
                ps.setLong(1, jobId);
                ps.setInt(2, no++);
                ps.setString(3, lo);
                ps.setString(4, r.hi() == null ? null : Json.write(r.hi()));
                ps.setString(5, lo);
                ps.setString(6, r.partition() == null ? null : Json.write(r.partition()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Makes a resumed job's unfinished chunks PENDING and due for a request: stuck ones (to be tried again) and
     * running ones whose lease expired. Live leases are left alone; their workers carry on.
     */
    public void resetForResume(Connection c, long jobId) throws SQLException {
        update(c, RESET_FOR_RESUME, jobId);
    }

    /**
     * The chunks that need a request: never published, their lease expired, or left unclaimed longer than
     * {@code republishAfter} (a request lost or dropped while the job was paused).
     */
    public List<Integer> due(Connection c, long jobId, Duration republishAfter) throws SQLException {
        List<Integer> due = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DUE)) {
            ps.setLong(1, jobId);
            ps.setLong(2, republishAfter.toMillis());
            ps.setLong(3, republishAfter.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(rs.getInt(1));
                }
            }
        }
        return due;
    }

    /** Records that Kafka acknowledged these chunks' requests. */
    public void markPublished(Connection c, long jobId, List<Integer> chunkNos) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pgbackfill.chunk SET published_at = now() WHERE job_id = ? AND chunk_no = ANY (?)")) {
            ps.setLong(1, jobId);
            ps.setArray(2, c.createArrayOf("integer", chunkNos.toArray()));
            ps.executeUpdate();
        }
    }

    /** How many chunks are still open and how many rows the stuck ones hold. */
    public Tally tally(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TALLY)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Tally(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** Every chunk's range, in chunk order. */
    public List<Range> ranges(Connection c, long jobId) throws SQLException {
        List<Range> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT chunk_no, lo::text, hi::text, partition::text FROM pgbackfill.chunk WHERE job_id = ? ORDER BY chunk_no")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Range(rs.getInt(1), key(rs.getString(2)), key(rs.getString(3)), partition(rs.getString(4))));
                }
            }
        }
        return out;
    }

    /**
     * An open chunk as the splitter sees it: where its worker is ({@code cursor}, or {@code lo} before the first batch),
     * and how fast it goes ({@code rowsDone} in {@code runningSeconds} since it was first claimed; 0 when never claimed).
     */
    public record Open(int chunkNo, ChunkState state, @Nullable List<String> lo, @Nullable List<String> cursor,
                       @Nullable List<String> hi, @Nullable QualifiedName partition, long rowsDone, double runningSeconds) {
        /** Rows per second of its worker so far; 0 before it has a measurable rate. */
        public double rate() {
            return runningSeconds >= 0.5 && rowsDone > 0 ? rowsDone / runningSeconds : 0;
        }
    }

    private static final String OPEN_COLUMNS = "chunk_no, state, lo::text, cursor::text, hi::text, partition::text, rows_done, "
            + "coalesce(extract(epoch FROM now() - started_at)::float8, 0)";

    private static Open open(ResultSet rs) throws SQLException {
        return new Open(rs.getInt(1), ChunkState.valueOf(rs.getString(2)), key(rs.getString(3)), key(rs.getString(4)), key(rs.getString(5)),
                partition(rs.getString(6)), rs.getLong(7), rs.getDouble(8));
    }

    /** The job's PENDING and RUNNING chunks, in chunk order. */
    public List<Open> open(Connection c, long jobId) throws SQLException {
        List<Open> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + OPEN_COLUMNS
                + " FROM pgbackfill.chunk WHERE job_id = ? AND state IN " + ChunkState.sqlList(PENDING, RUNNING) + " ORDER BY chunk_no")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(open(rs));
                }
            }
        }
        return out;
    }

    /**
     * Locks an open chunk's row for a split and returns it as it is now, or null when it is no longer open. While the
     * lock is held no batch of the chunk can commit (each batch's checkpoint updates this row), so its cursor stays put.
     */
    public @Nullable Open lockOpen(Connection c, long jobId, int chunkNo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + OPEN_COLUMNS
                + " FROM pgbackfill.chunk WHERE job_id = ? AND chunk_no = ? AND state IN " + ChunkState.sqlList(PENDING, RUNNING) + " FOR UPDATE")) {
            ps.setLong(1, jobId);
            ps.setInt(2, chunkNo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? open(rs) : null;
            }
        }
    }

    /**
     * Splits a chunk locked by {@link #lockOpen} at {@code at} (beyond its cursor): the chunk now ends at {@code at}
     * (its worker's next checkpoint sees the new bound), and {@code (at, old hi]} becomes a new PENDING chunk on the
     * same partition. Returns the new chunk's number.
     */
    public int split(Connection c, long jobId, Open chunk, List<String> at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE pgbackfill.chunk SET hi = ?::jsonb, updated_at = now() WHERE job_id = ? AND chunk_no = ?")) {
            ps.setString(1, Json.write(at));
            ps.setLong(2, jobId);
            ps.setInt(3, chunk.chunkNo());
            ps.executeUpdate();
        }
        int piece = append(c, jobId, List.of(new ChunkRange(at, chunk.hi(), chunk.partition())));
        // a piece of a reopened chunk is a re-sweep too: its rows count as re-swept, not as done
        try (PreparedStatement ps = c.prepareStatement("UPDATE pgbackfill.chunk p SET reopened = o.reopened FROM pgbackfill.chunk o "
                + "WHERE p.job_id = ? AND p.chunk_no = ? AND o.job_id = p.job_id AND o.chunk_no = ?")) {
            ps.setLong(1, jobId);
            ps.setInt(2, piece);
            ps.setInt(3, chunk.chunkNo());
            ps.executeUpdate();
        }
        return piece;
    }

    /** DONE chunks in whose range rows still match: PENDING again from their lower bound, due for a request. */
    public void reopen(Connection c, long jobId, List<Integer> chunkNos) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REOPEN)) {
            ps.setLong(1, jobId);
            ps.setArray(2, c.createArrayOf("integer", chunkNos.toArray()));
            ps.executeUpdate();
        }
    }

    static @Nullable QualifiedName partition(@Nullable String json) {
        return json == null ? null : Json.read(json, QualifiedName.class);
    }

    static @Nullable List<String> key(@Nullable String json) {
        return json == null ? null : List.of(Json.read(json, String[].class));
    }

    private static void update(Connection c, String sql, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, jobId);
            ps.executeUpdate();
        }
    }
}
