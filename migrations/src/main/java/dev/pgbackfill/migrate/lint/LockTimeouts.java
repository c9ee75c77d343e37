package dev.pgbackfill.migrate.lint;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether a statement takes away the lock_timeout that keeps waiting DDL from queueing every query behind it. */
final class LockTimeouts {
    private static final Pattern LOCK_TIMEOUT = Pattern.compile(
            "^(?:SET\\s+(?:SESSION\\s+|LOCAL\\s+)?\"?lock_timeout\"?\\s*(?:=|TO)\\s*'?\\s*(DEFAULT|\\d+)\\s*(ms|s|min|h)?\\s*'?\\s*$|RESET\\s+\"?lock_timeout\"?\\s*$)",
            Pattern.CASE_INSENSITIVE);
    static final long LONGEST_MS = 10_000;

    private LockTimeouts() {
    }

    /** {@code SET lock_timeout} to 0, DEFAULT or more than 10 s, or {@code RESET} (read unmasked: the value is a literal). */
    static boolean disables(String statement) {
        Matcher m = LOCK_TIMEOUT.matcher(statement.replaceAll("--[^\n]*", " ").replaceAll("\\s+", " ").strip());
        if (!m.find()) {
            return false;
        }
        if (m.group(1) == null || m.group(1).equalsIgnoreCase("DEFAULT")) {
            return true;
        }
        long ms = millis(Long.parseLong(m.group(1)), m.group(2));
        return ms == 0 || ms > LONGEST_MS;
    }

    private static long millis(long n, String unit) {
        return switch (unit == null ? "ms" : unit.toLowerCase(Locale.ROOT)) {
            case "s" -> n * 1000;
            case "min" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n;
        };
    }
}
