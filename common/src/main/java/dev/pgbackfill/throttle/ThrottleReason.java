package dev.pgbackfill.throttle;

import java.util.Locale;

/**
 * Why a job is slowed or held: a kind that programs switch on (and metrics tag with) and a text for operators,
 * e.g. {@code SCHEDULE} / "schedule: paused (Sat-Sun paused)".
 */
public record ThrottleReason(Kind kind, String text) {
    public enum Kind {
        /** The job's own --rate (or the global budget) limits it. */
        RATE,
        /** A schedule window limits or pauses it. */
        SCHEDULE,
        /** A health signal (replica lag, lock waiters, a probe…) is over its throttle threshold. */
        HEALTH;

        /** The kind as a metrics tag value: {@code rate}, {@code schedule}, {@code health}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
