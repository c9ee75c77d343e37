package dev.pgbackfill.coordinator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.throttle.Threshold;
import dev.pgbackfill.throttle.ThrottleSettings;
import org.junit.jupiter.api.Test;

/** A job's health signals against its thresholds: healthy, throttled (with the reason) or critical (pause it). */
class HealthJudgeTest {
    private static final HealthMonitor.Signals CALM = new HealthMonitor.Signals(0, 0, 0, 3);

    private static ThrottleSettings lag(Double throttle, Double critical) {
        return new ThrottleSettings(null, null, null, null, null, null, new Threshold(throttle, critical), null, null, null, null, null);
    }

    @Test
    void signalsBelowEveryThresholdAreHealthy() {
        assertThat(HealthMonitor.judge(lag(2.0, 30.0), CALM, null)).isEqualTo(HealthMonitor.Verdict.HEALTHY);
    }

    @Test
    void aSignalAtItsThrottleThresholdThrottlesAndSaysWhich() {
        HealthMonitor.Verdict v = HealthMonitor.judge(lag(2.0, 30.0), new HealthMonitor.Signals(2.5, 0, 0, 3), null);
        assertThat(v.critical()).isFalse();
        assertThat(v.reason()).isEqualTo("throttled: replica lag 2.5 s ≥ 2 s");
    }

    @Test
    void aSignalAtItsCriticalThresholdPausesTheJob() {
        HealthMonitor.Verdict v = HealthMonitor.judge(lag(2.0, 30.0), new HealthMonitor.Signals(30, 0, 0, 3), null);
        assertThat(v.critical()).isTrue();
        assertThat(v.reason()).isEqualTo("critical: replica lag 30.0 s ≥ 30 s");
    }

    @Test
    void criticalWinsOverThrottleAcrossSignals() {
        ThrottleSettings s = new ThrottleSettings(null, null, null, null, null, null, new Threshold(2.0, null), null,
                new Threshold(1.0, 5.0), null, null, null);
        HealthMonitor.Verdict v = HealthMonitor.judge(s, new HealthMonitor.Signals(3, 0, 6, 3), null);
        assertThat(v.critical()).isTrue();
        assertThat(v.reason()).isEqualTo("critical: 6 session(s) waiting on our locks ≥ 5");
    }

    @Test
    void aProbeValueIsJudgedAgainstTheProbeThreshold() {
        ThrottleSettings s = new ThrottleSettings(null, null, null, null, null, null, null, null, null, null, "SELECT 1", new Threshold(1.0, null));
        assertThat(HealthMonitor.judge(s, CALM, 1.0).reason()).isEqualTo("throttled: probe 1 ≥ 1");
        assertThat(HealthMonitor.judge(s, CALM, 0.0)).isEqualTo(HealthMonitor.Verdict.HEALTHY);
    }

    @Test
    void withoutThresholdsNothingIsJudged() {
        assertThat(HealthMonitor.judge(ThrottleSettings.NONE, new HealthMonitor.Signals(999, 999, 999, 999), null))
                .isEqualTo(HealthMonitor.Verdict.HEALTHY);
    }
}
