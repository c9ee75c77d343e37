package dev.pgbackfill.chunk;

import static dev.pgbackfill.chunk.ChunkState.DONE;
import static dev.pgbackfill.chunk.ChunkState.PENDING;
import static dev.pgbackfill.chunk.ChunkState.RUNNING;
import static dev.pgbackfill.chunk.ChunkState.STUCK;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code PENDING → RUNNING → DONE | STUCK}, with the ways back that release, resume and verification need. */
class ChunkStateTest {
    @Test
    void aChunkIsClaimedFromPendingOrFromAnExpiredLease() {
        assertThat(RUNNING.allowedFrom()).containsExactlyInAnyOrder(PENDING, RUNNING);
    }

    @Test
    void onlyAWorkerHoldingTheLeaseFinishesAChunk() {
        assertThat(DONE.allowedFrom()).containsExactly(RUNNING);
        assertThat(STUCK.allowedFrom()).containsExactly(RUNNING);
    }

    @Test
    void releaseResumeAndVerificationMakeAChunkPendingAgain() {
        assertThat(PENDING.allowedFrom()).containsExactlyInAnyOrder(PENDING, RUNNING, DONE, STUCK);
    }

    @Test
    void pendingAndRunningChunksAreOpenDoneAndStuckOnesAreNot() {
        assertThat(PENDING.isOpen()).isTrue();
        assertThat(RUNNING.isOpen()).isTrue();
        assertThat(DONE.isOpen()).isFalse();
        assertThat(STUCK.isOpen()).isFalse();
    }

    @Test
    void statesAreSpelledAsSqlLiteralsMatchingTheTableCheck() {
        assertThat(RUNNING.sql()).isEqualTo("'RUNNING'");
        assertThat(ChunkState.sqlList(PENDING, RUNNING)).isEqualTo("('PENDING', 'RUNNING')");
        // V1__control_schema.sql: CHECK (state IN ('PENDING', 'RUNNING', 'DONE', 'STUCK'))
        assertThat(ChunkState.sqlList(ChunkState.values())).isEqualTo("('PENDING', 'RUNNING', 'DONE', 'STUCK')");
    }
}
