package dev.pgbackfill.coordinator.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.coordinator.split.SplitPolicy.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the coordinator cuts a running chunk, and which one. */
class SplitPolicyTest {
    @Test
    void theChunkWithTheMostRowsLeftIsSplitWhenAThreadWouldIdle() {
        List<Candidate> open = List.of(new Candidate(0, 50_000), new Candidate(3, 600_000), new Candidate(7, 9_000));

        assertThat(SplitPolicy.choose(open, 4, 2_000)).contains(new Candidate(3, 600_000));
    }

    @Test
    void nothingIsSplitWhileEveryThreadHasAChunk() {
        List<Candidate> open = List.of(new Candidate(0, 500_000), new Candidate(1, 500_000));

        assertThat(SplitPolicy.choose(open, 2, 2_000)).isEmpty();
        assertThat(SplitPolicy.choose(open, 1, 2_000)).isEmpty();
    }

    @Test
    void aChunkTooSmallForTwoPiecesIsLeftWhole() {
        assertThat(SplitPolicy.choose(List.of(new Candidate(5, 3_999)), 8, 2_000)).isEmpty();
        assertThat(SplitPolicy.choose(List.of(new Candidate(5, 4_000)), 8, 2_000)).contains(new Candidate(5, 4_000));
    }

    @Test
    void aJobWithNoOpenChunkOrNoWorkerIsNotSplit() {
        assertThat(SplitPolicy.choose(List.of(), 8, 2_000)).isEmpty();
        assertThat(SplitPolicy.choose(List.of(new Candidate(0, 1_000_000)), 0, 2_000)).isEmpty();
    }

    @Test
    void theSmallestPieceIsAFewBatchesAndNeverTiny() {
        assertThat(SplitPolicy.minPiece(1_000)).isEqualTo(4_000);
        assertThat(SplitPolicy.minPiece(10)).isEqualTo(2_000);
    }
}
