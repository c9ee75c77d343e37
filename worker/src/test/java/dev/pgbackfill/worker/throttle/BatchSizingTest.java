package dev.pgbackfill.worker.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.throttle.Schedule;
import dev.pgbackfill.throttle.ThrottleSettings;
import org.junit.jupiter.api.Test;

/** Shares of a rate among running chunks, and the adaptive batch size toward the target duration. */
class BatchSizingTest {
    private static ThrottleSettings rate(Double rate) {
        return new ThrottleSettings(rate, null, 250, 10, 20_000, null, null, null, null, null, null, null);
    }

    private static JobView view(Double rate, long running, Double global, long allRunning) {
        return new JobView(JobState.RUNNING, rate(rate), null, running, global, allRunning, 0);
    }

    @Test
    void aJobsRateIsSharedAmongItsRunningChunks() {
        assertThat(BatchSizing.share(view(1_000.0, 4, null, 4), null, 1)).isEqualTo(250.0);
    }

    @Test
    void thisWorkersOwnRunsCountEvenBeforeTheViewSeesThem() {
        assertThat(BatchSizing.share(view(1_000.0, 1, null, 1), null, 5)).isEqualTo(200.0);
    }

    @Test
    void theGlobalBudgetCapsTheShareWhenItIsLower() {
        assertThat(BatchSizing.share(view(1_000.0, 2, 400.0, 8), null, 1)).isEqualTo(50.0);
    }

    @Test
    void aScheduleWindowLowerThanTheRateWins() {
        Schedule.Decision window = new Schedule.Decision(100.0, false, "Mon-Fri 08:00-18:00 rate=100");
        assertThat(BatchSizing.jobRate(view(1_000.0, 1, null, 1), window)).isEqualTo(100.0);
        assertThat(BatchSizing.jobRate(view(null, 1, null, 1), window)).isEqualTo(100.0);
        assertThat(BatchSizing.jobRate(view(null, 1, null, 1), null)).isNull();
    }

    @Test
    void nothingLimitsAJobWithoutRates() {
        assertThat(BatchSizing.share(view(null, 3, null, 3), null, 1)).isNull();
    }

    @Test
    void aSlowBatchShrinksFastAndAFastOneGrowsAtMostDouble() {
        ThrottleSettings s = rate(null);
        assertThat(BatchSizing.adapted(s, 1_000, 2_500_000_000L)).isEqualTo(100); // 10× too slow: a tenth
        assertThat(BatchSizing.adapted(s, 1_000, 1_000_000L)).isEqualTo(2_000);    // 250× too fast: doubled
        assertThat(BatchSizing.adapted(s, 1_000, 250_000_000L)).isEqualTo(1_000);  // on target: unchanged
    }

    @Test
    void theAdaptedSizeStaysWithinMinAndMaxBatch() {
        ThrottleSettings s = rate(null);
        assertThat(BatchSizing.adapted(s, 15, 10_000_000_000L)).isEqualTo(10);
        assertThat(BatchSizing.adapted(s, 15_000, 1_000L)).isEqualTo(20_000);
    }
}
