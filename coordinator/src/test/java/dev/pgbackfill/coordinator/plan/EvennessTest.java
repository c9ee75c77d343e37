package dev.pgbackfill.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which chunks a sample says to cut again, and into how many pieces. */
class EvennessTest {
    @Test
    void anEvenPlanIsLeftAsItIs() {
        assertThat(Evenness.piecesToCut(new long[] {100, 120, 90, 110}, 10.0, 1_000, 100)).isEmpty();
    }

    @Test
    void aChunkHoldingMostRowsIsCutIntoPiecesOfAboutAChunkEach() {
        // 10 sampled rows stand for 100 rows each: chunk 0 holds ~9 000 rows, i.e. 9 chunks' worth
        assertThat(Evenness.piecesToCut(new long[] {900, 0, 0, 1}, 10.0, 1_000, 100)).containsExactly(java.util.Map.entry(0, 9));
    }

    @Test
    void aChunkJustOverOneAndAHalfSizesIsCutInTwo() {
        assertThat(Evenness.piecesToCut(new long[] {100, 160}, 10.0, 1_000, 100)).containsExactly(java.util.Map.entry(1, 2));
        assertThat(Evenness.piecesToCut(new long[] {100, 150}, 10.0, 1_000, 100)).as("1.5 sizes is within the sample's noise").isEmpty();
    }

    @Test
    void tooFewSampledRowsSayNothingUnlessTheSampleWasTheWholeRelation() {
        assertThat(Evenness.piecesToCut(new long[] {19, 1}, 1_000.0, 1_000, 100)).as("19 sampled rows: noise").isEmpty();
        assertThat(Evenness.piecesToCut(new long[] {19, 1}, 1.0, 4, 100)).as("the whole relation, counted").containsExactly(java.util.Map.entry(0, 5));
    }

    @Test
    void thePiecesGainedStayWithinTheChunkCap() {
        assertThat(Evenness.piecesToCut(new long[] {10_000, 10_000}, 1.0, 1, 50)).containsExactly(java.util.Map.entry(0, 51));
    }

    @Test
    void evennessIsTheLargestChunkOverTheMedian() {
        assertThat(Evenness.largestOverMedian(new long[] {10, 20, 30})).isEqualTo(1.5);
        assertThat(Evenness.largestOverMedian(new long[] {})).isEqualTo(1.0);
    }
}
