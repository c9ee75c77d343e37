package dev.pgbackfill.worker.throttle;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.throttle.Schedule;
import dev.pgbackfill.throttle.ThrottleReason;
import java.time.Instant;

/** Whether a RUNNING job may run a batch now (gh-ost's {@code shouldThrottle}): null, or the reason to wait. */
final class BatchGate {
    private BatchGate() {
    }

    static @Nullable ThrottleReason shouldWait(JobView v, Instant now) {
        if (v.healthReason() != null) {
            return new ThrottleReason(ThrottleReason.Kind.HEALTH, v.healthReason());
        }
        Schedule schedule = v.settings().parsedSchedule();
        if (schedule != null) {
            Schedule.Decision d = schedule.at(now);
            if (d.paused()) {
                return new ThrottleReason(ThrottleReason.Kind.SCHEDULE, "schedule: paused (" + d.rule() + ")");
            }
        }
        return null;
    }
}
