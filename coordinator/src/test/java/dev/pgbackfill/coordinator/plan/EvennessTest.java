package dev.pgbackfill.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which chunks a sample says to cut again, and into how many pieces. */
class EvennessTest {
    @Test
    void anEvenPlanIsLeftAsItIs() {
        assertThat(Evenness.reshape(new long[] {100, 120, 90, 110}, 10.0, 1_000, 100).cutInto()).isEmpty();
    }

    @Test
    void aChunkHoldingMostRowsIsCutIntoPiecesOfAboutAChunkEach() {
        // 10 sampled rows stand for 100 rows each: chunk 0 holds ~9 000 rows, i.e. 9 chunks' worth
        assertThat(Evenness.reshape(new long[] {900, 0, 0, 1}, 10.0, 1_000, 100).cutInto()).containsExactly(java.util.Map.entry(0, 9));
    }

    @Test
    void aChunkJustOverOneAndAHalfSizesIsCutInTwo() {
        assertThat(Evenness.reshape(new long[] {100, 160}, 10.0, 1_000, 100).cutInto()).containsExactly(java.util.Map.entry(1, 2));
        assertThat(Evenness.reshape(new long[] {100, 150}, 10.0, 1_000, 100).cutInto()).as("1.5 sizes is within the sample's noise").isEmpty();
    }

    @Test
    void tooFewSampledRowsSayNothingUnlessTheSampleWasTheWholeRelation() {
        assertThat(Evenness.reshape(new long[] {19, 1}, 1_000.0, 1_000, 100).cutInto()).as("19 sampled rows: noise").isEmpty();
        assertThat(Evenness.reshape(new long[] {19, 1}, 1.0, 4, 100).cutInto()).as("the whole relation, counted").containsExactly(java.util.Map.entry(0, 5));
    }

    @Test
    void thePiecesGainedStayWithinTheChunkCap() {
        assertThat(Evenness.reshape(new long[] {10_000, 10_000}, 1.0, 1, 50).cutInto()).containsExactly(java.util.Map.entry(0, 51));
    }

    @Test
    void neighboursThatTogetherFitInOneChunkAreMerged() {
        // a stale histogram's tail: chunks of a tenth of a size, then one holding nine sizes
        Evenness.Reshape r = Evenness.reshape(new long[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 900}, 10.0, 1_000, 100);
        assertThat(r.cutInto()).containsExactly(java.util.Map.entry(11, 9));
        assertThat(r.cutsDropped()).as("chunks 0-9 become one of 1 000 rows; chunk 10 would make it 1 100, so it stays")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void chunksOfAboutOneSizeAreNeverMerged() {
        assertThat(Evenness.reshape(new long[] {60, 60, 60}, 10.0, 1_000, 100).cutsDropped()).isEmpty();
    }
}
