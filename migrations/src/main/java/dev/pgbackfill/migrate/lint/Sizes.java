package dev.pgbackfill.migrate.lint;

import java.util.Locale;

/**
 * How a table's size in the database grades a finding whose harm grows with it (a scan or rewrite under a lock): a
 * table that is small today is a warning, a big one says how long the lock may be held. The time is a rough
 * estimate at {@link #BYTES_PER_SECOND}, to tell seconds from minutes from hours, not a promise.
 */
final class Sizes {
    /** Under both limits a full scan or rewrite takes well under a second. */
    static final long SMALL_ROWS = 10_000;
    static final long SMALL_BYTES = 16L << 20;
    /** A conservative sequential read-and-write rate of a busy server. */
    static final long BYTES_PER_SECOND = 100L << 20;

    private Sizes() {
    }

    static boolean small(Catalog.Table t) {
        return t.rows() < SMALL_ROWS && t.bytes() < SMALL_BYTES;
    }

    /** {@code orders: about 40 M rows, 6.1 GB — the lock may be held for minutes (about 62 s at 100 MB/s)}. */
    static String describe(Catalog.Table t) {
        String size = t.name() + ": " + rows(t.rows()) + ", " + bytes(t.bytes());
        if (small(t)) {
            return size + " — brief at this size today; it grows with the table";
        }
        long seconds = Math.max(1, t.bytes() / BYTES_PER_SECOND);
        return size + " — the lock may be held for " + (seconds < 60 ? "seconds" : seconds < 3600 ? "minutes" : "hours")
                + " (about " + duration(seconds) + " at 100 MB/s)";
    }

    static String rows(long rows) {
        if (rows < 0) {
            return "never analysed";
        }
        if (rows >= 1_000_000) {
            return String.format(Locale.ROOT, "about %d M rows", Math.round(rows / 1e6));
        }
        if (rows >= 10_000) {
            return String.format(Locale.ROOT, "about %d k rows", Math.round(rows / 1e3));
        }
        return "about " + rows + " rows";
    }

    static String bytes(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%d MB", bytes >> 20);
        }
        return String.format(Locale.ROOT, "%d kB", Math.max(1, bytes >> 10));
    }

    private static String duration(long seconds) {
        return seconds < 60 ? seconds + " s" : seconds < 3600 ? seconds / 60 + " min" : String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
    }
}
