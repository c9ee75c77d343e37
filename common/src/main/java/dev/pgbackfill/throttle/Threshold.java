package dev.pgbackfill.throttle;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.error.InvalidInputException;

/**
 * Limits for one health signal: at or above {@code throttle} workers wait before each batch; at or above
 * {@code critical} the job is paused automatically with the reason recorded. Either may be null.
 */
public record Threshold(@Nullable Double throttle, @Nullable Double critical) {

    /** Parses {@code T} or {@code T,C} (e.g. {@code 2,10}), as the CLI takes it. */
    public static @Nullable Threshold parse(String field, @Nullable String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(",", -1);
        try {
            if (parts.length == 1) {
                return new Threshold(Double.parseDouble(parts[0].strip()), null).validated(field);
            }
            if (parts.length == 2) {
                return new Threshold(parts[0].isBlank() ? null : Double.parseDouble(parts[0].strip()),
                        parts[1].isBlank() ? null : Double.parseDouble(parts[1].strip())).validated(field);
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new InvalidInputException(field, "--" + field + " '" + text + "' must be THROTTLE or THROTTLE,CRITICAL numbers, e.g. 2,10");
    }

    public Threshold validated(String field) {
        if ((throttle != null && !(throttle >= 0)) || (critical != null && !(critical >= 0))) {
            throw new InvalidInputException(field, field + " thresholds must be zero or positive numbers");
        }
        if (throttle != null && critical != null && critical < throttle) {
            throw new InvalidInputException(field, field + " critical threshold " + critical + " is below its throttle threshold " + throttle);
        }
        return this;
    }
}
