package dev.pgbackfill.coordinator.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.coordinator.split.SplitPolicy.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the coordinator cuts a running chunk, and which one. */
class SplitPolicyTest {
    @Test
    void theChunkWithTheMostWorkLeftIsSplitWhenAThreadWouldIdle() {
        List<Candidate> open = List.of(new Candidate(0, 50_000, 10_000), new Candidate(3, 600_000, 100_000), new Candidate(7, 9_000, 9_000));

        assertThat(SplitPolicy.choose(open, 4, 2_000)).contains(new Candidate(3, 600_000, 100_000)); // 6 s left, the most
    }

    @Test
    void nothingIsSplitWhileEveryThreadHasAChunk() {
        List<Candidate> open = List.of(new Candidate(0, 500_000, 50_000), new Candidate(1, 500_000, 50_000));

        assertThat(SplitPolicy.choose(open, 2, 2_000)).isEmpty();
        assertThat(SplitPolicy.choose(open, 1, 2_000)).isEmpty();
    }

    @Test
    void aChunkTooSmallForTwoPiecesIsLeftWhole() {
        assertThat(SplitPolicy.choose(List.of(new Candidate(5, 3_999, 100)), 8, 2_000)).isEmpty();
        assertThat(SplitPolicy.choose(List.of(new Candidate(5, 4_000, 100)), 8, 2_000)).contains(new Candidate(5, 4_000, 100));
    }

    @Test
    void aShortTailIsLeftToFinishSinceASplitCostsMoreThanItSaves() {
        // 30 000 rows at 100 000 rows/s: 0.3 s of work, less than two pieces of 1.5 s
        assertThat(SplitPolicy.choose(List.of(new Candidate(31, 30_000, 100_000)), 2, 2_000)).isEmpty();
        assertThat(SplitPolicy.choose(List.of(new Candidate(31, 300_000, 100_000)), 2, 2_000)).isPresent();
    }

    @Test
    void aChunkWithNoRateYetIsNotCut() {
        assertThat(SplitPolicy.choose(List.of(new Candidate(2, 1_000_000, 0)), 4, 2_000)).isEmpty();
    }

    @Test
    void aJobWithNoOpenChunkOrNoWorkerIsNotSplit() {
        assertThat(SplitPolicy.choose(List.of(), 8, 2_000)).isEmpty();
        assertThat(SplitPolicy.choose(List.of(new Candidate(0, 1_000_000, 1_000)), 0, 2_000)).isEmpty();
    }

    @Test
    void theSmallestPieceIsAFewBatchesAndNeverTiny() {
        assertThat(SplitPolicy.minPiece(1_000)).isEqualTo(4_000);
        assertThat(SplitPolicy.minPiece(10)).isEqualTo(2_000);
    }
}
