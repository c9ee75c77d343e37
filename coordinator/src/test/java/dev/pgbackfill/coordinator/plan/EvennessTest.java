package dev.pgbackfill.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which chunks a sample says to cut again, into how many pieces, and which neighbours to merge. */
class EvennessTest {
    /** Sampled rows per chunk, each chunk seen on {@code pages} distinct pages. */
    private static Evenness.Sampled sampled(long pages, long... rows) {
        long[] seen = new long[rows.length];
        Arrays.fill(seen, pages);
        return new Evenness.Sampled(rows, seen);
    }

    @Test
    void anEvenPlanIsLeftAsItIs() {
        Evenness.Reshape r = Evenness.reshape(sampled(30, 100, 120, 90, 110), 10.0, 1_000, 100);
        assertThat(r.cutInto()).isEmpty();
        assertThat(r.cutsDropped()).isEmpty();
    }

    @Test
    void aChunkHoldingMostRowsIsCutIntoPiecesOfAboutAChunkEach() {
        // one sampled row stands for 10: chunk 0 holds ~9 000 rows, i.e. 9 chunks' worth
        assertThat(Evenness.reshape(sampled(30, 900, 0, 0, 1), 10.0, 1_000, 100).cutInto()).containsExactly(Map.entry(0, 9));
    }

    @Test
    void aChunkJustOverOneAndAHalfSizesIsCutInTwo() {
        assertThat(Evenness.reshape(sampled(30, 100, 160), 10.0, 1_000, 100).cutInto()).containsExactly(Map.entry(1, 2));
        assertThat(Evenness.reshape(sampled(30, 100, 150), 10.0, 1_000, 100).cutInto()).as("1.5 sizes is within the sample's noise").isEmpty();
    }

    @Test
    void aChunkSeenOnFewPagesIsNotCutHoweverManyRowsThosePagesHeld() {
        // 7 pages of neighbouring rows are 7 observations, not 700: too few to say the chunk is big
        assertThat(Evenness.reshape(new Evenness.Sampled(new long[] {700, 100}, new long[] {7, 30}), 10.0, 1_000, 100).cutInto()).isEmpty();
        assertThat(Evenness.reshape(new Evenness.Sampled(new long[] {700, 100}, new long[] {8, 30}), 10.0, 1_000, 100).cutInto())
                .containsExactly(Map.entry(0, 7));
    }

    @Test
    void aSampleOfTheWholeRelationIsExactWhateverItsPages() {
        assertThat(Evenness.reshape(sampled(1, 19, 1), 1.0, 4, 100).cutInto()).containsExactly(Map.entry(0, 5));
    }

    @Test
    void thePiecesGainedStayWithinTheChunkCap() {
        assertThat(Evenness.reshape(sampled(30, 10_000, 10_000), 1.0, 1, 50).cutInto()).containsExactly(Map.entry(0, 51));
    }

    @Test
    void neighboursThatTogetherFitInOneChunkAreMerged() {
        // a stale histogram's tail: chunks of a tenth of a size, then one holding nine sizes
        Evenness.Reshape r = Evenness.reshape(sampled(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 900), 10.0, 1_000, 100);
        assertThat(r.cutInto()).containsExactly(Map.entry(11, 9));
        assertThat(r.cutsDropped()).as("chunks 0-9 become one of 1 000 rows; chunk 10 would make it 1 100, so it stays")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void aSmallNeighbourJoinsTheLastPieceOfACutChunk() {
        // chunk 0 is cut into 3 pieces of ~900; chunk 1 (~50 rows) fits in the last one
        Evenness.Reshape r = Evenness.reshape(sampled(30, 270, 5, 100), 10.0, 1_000, 100);
        assertThat(r.cutInto()).containsExactly(Map.entry(0, 3));
        assertThat(r.cutsDropped()).containsExactly(0);
    }

    @Test
    void nothingIsMergedWhenTheSampleReadTooFewPagesPerChunkToTellSmallFromUnsampled() {
        // 3 pages per chunk on average: a chunk with no sampled row may simply not have been read
        assertThat(Evenness.reshape(sampled(3, 0, 0, 0, 0), 100.0, 1_000, 100).cutsDropped()).isEmpty();
        assertThat(Evenness.reshape(sampled(8, 0, 0, 0, 0), 100.0, 1_000, 100).cutsDropped()).containsExactly(0, 1, 2);
    }

    @Test
    void chunksOfAboutOneSizeAreNeverMerged() {
        assertThat(Evenness.reshape(sampled(30, 60, 60, 60), 10.0, 1_000, 100).cutsDropped()).isEmpty();
    }
}
