package dev.pgbackfill.worker.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How big a throttled chunk's batches are, given its share of the rate (rows per second) and the adaptive size. */
class ThrottledBatchTest {
    @Test
    void aThrottledBatchIsATwentiethOfASecondsShare() {
        assertThat(BatchSizing.throttledBatch(20_000, 40_000)).isEqualTo(2_000);
    }

    @Test
    void aThrottledBatchHasAtLeastAHundredRowsSoCommitsDoNotEatTheBudget() {
        assertThat(BatchSizing.throttledBatch(20_000, 1_000)).isEqualTo(100);
    }

    @Test
    void aShareBelowAHundredRowsASecondIsOneBatchASecond() {
        assertThat(BatchSizing.throttledBatch(20_000, 25)).isEqualTo(25);
        assertThat(BatchSizing.throttledBatch(20_000, 0.2)).isEqualTo(1);
    }

    @Test
    void theAdaptiveSizeStillCapsAThrottledBatch() {
        assertThat(BatchSizing.throttledBatch(300, 100_000)).isEqualTo(300);
    }
}
