package dev.pgbackfill.chunk;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The life of one chunk row: {@code PENDING → RUNNING → DONE | STUCK}, with the ways back that recovery needs. Only
 * {@link ChunkStore} and {@link LeaseStore} write a chunk's state, and SQL elsewhere names a state through
 * {@link #sql()} or {@link #sqlList}, so that this enum is the one list of them.
 */
public enum ChunkState {
    /** Waiting for a worker: never claimed, released at a checkpoint, or reopened. */
    PENDING,
    /** Leased by a worker; a lease that expired may be claimed again. */
    RUNNING,
    /** Its whole range was swept and nothing in it matches the predicate. */
    DONE,
    /** Rows in its range stayed locked (or kept matching) through every sweep; reported, never dropped. */
    STUCK;

    /**
     * The states from which a chunk may move to this one: a release or a resume makes it PENDING again, and so does
     * the final verification when rows match in a DONE chunk's range; a lease that expired is claimed RUNNING again.
     */
    public Set<ChunkState> allowedFrom() {
        return switch (this) {
            case PENDING -> Set.of(PENDING, RUNNING, DONE, STUCK);
            case RUNNING -> Set.of(PENDING, RUNNING);
            case DONE, STUCK -> Set.of(RUNNING);
        };
    }

    /** Whether a worker may still have work in the chunk. */
    public boolean isOpen() {
        return this == PENDING || this == RUNNING;
    }

    /** The state as a SQL string literal, e.g. {@code 'RUNNING'}. */
    public String sql() {
        return "'" + name() + "'";
    }

    /** A parenthesised SQL list of literals, e.g. {@code ('PENDING', 'RUNNING')}. */
    public static String sqlList(ChunkState... states) {
        return Arrays.stream(states).map(ChunkState::sql).collect(Collectors.joining(", ", "(", ")"));
    }
}
