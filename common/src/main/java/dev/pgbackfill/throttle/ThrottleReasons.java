package dev.pgbackfill.throttle;

import org.jspecify.annotations.Nullable;
import java.time.Instant;
import java.util.Locale;

/** The operator-facing reason a running job is slowed by its own settings (health reasons come from the coordinator). */
public final class ThrottleReasons {
    private ThrottleReasons() {
    }

    /** E.g. "schedule: paused (Sat-Sun paused)", "schedule: 2,000 rows/s (…)", "rate limit 500 rows/s"; null if none. */
    public static @Nullable ThrottleReason configured(ThrottleSettings settings, Instant now) {
        Double rate = settings.rate();
        Schedule schedule = settings.parsedSchedule();
        if (schedule != null) {
            Schedule.Decision d = schedule.at(now);
            if (d.paused()) {
                return new ThrottleReason(ThrottleReason.Kind.SCHEDULE, "schedule: paused (" + d.rule() + ")");
            }
            if (d.rate() != null && (rate == null || d.rate() < rate)) {
                return new ThrottleReason(ThrottleReason.Kind.SCHEDULE, String.format(Locale.ROOT, "schedule: %,.0f rows/s (%s)", d.rate(), d.rule()));
            }
        }
        return rate == null ? null : new ThrottleReason(ThrottleReason.Kind.RATE, String.format(Locale.ROOT, "rate limit %,.0f rows/s", rate));
    }
}
