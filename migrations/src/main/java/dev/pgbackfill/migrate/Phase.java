package dev.pgbackfill.migrate;

import dev.pgbackfill.error.InvalidInputException;
import java.util.Locale;

/**
 * When a step runs relative to the application deploy: {@code expand} is additive and runs before it,
 * {@code backfill} is a pgbackfill job, {@code contract} (constraints, drops) runs after it.
 */
public enum Phase {
    EXPAND, BACKFILL, CONTRACT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Phase parse(String field, String text) {
        for (Phase p : values()) {
            if (p.label().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return p;
            }
        }
        throw new InvalidInputException(field, "unknown phase \"" + text + "\"; use expand, backfill or contract");
    }

    @Override
    public String toString() {
        return label();
    }
}
