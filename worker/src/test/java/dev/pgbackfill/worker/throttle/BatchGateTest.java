package dev.pgbackfill.worker.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.throttle.ThrottleReason;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Whether a running job may run its next batch now, and if not, the typed reason. */
class BatchGateTest {
    private static final Instant SATURDAY_NOON = Instant.parse("2026-12-05T12:00:00Z");
    private static final Instant MONDAY_NOON = Instant.parse("2026-12-07T12:00:00Z");

    private static JobView view(String schedule, String healthReason) {
        ThrottleSettings s = new ThrottleSettings(null, schedule, null, null, null, null, null, null, null, null, null, null);
        return new JobView(JobState.RUNNING, s, healthReason, 1, null, 1, 0);
    }

    @Test
    void aJobWithoutHealthTroubleOrPausedWindowRuns() {
        assertThat(BatchGate.shouldWait(view(null, null), SATURDAY_NOON)).isNull();
    }

    @Test
    void aHealthSignalOverItsThresholdHoldsTheBatchWithItsReason() {
        assertThat(BatchGate.shouldWait(view(null, "throttled: replica lag 3.0 s ≥ 2 s"), MONDAY_NOON))
                .isEqualTo(new ThrottleReason(ThrottleReason.Kind.HEALTH, "throttled: replica lag 3.0 s ≥ 2 s"));
    }

    @Test
    void aPausedScheduleWindowHoldsTheBatchNamingTheRule() {
        JobView v = view("Sat-Sun paused; otherwise unlimited", null);
        assertThat(BatchGate.shouldWait(v, SATURDAY_NOON))
                .isEqualTo(new ThrottleReason(ThrottleReason.Kind.SCHEDULE, "schedule: paused (Sat-Sun paused)"));
        assertThat(BatchGate.shouldWait(v, MONDAY_NOON)).isNull();
    }

    @Test
    void theKindIsTheMetricsTag() {
        assertThat(ThrottleReason.Kind.SCHEDULE.tag()).isEqualTo("schedule");
        assertThat(ThrottleReason.Kind.HEALTH.tag()).isEqualTo("health");
        assertThat(ThrottleReason.Kind.RATE.tag()).isEqualTo("rate");
    }
}
