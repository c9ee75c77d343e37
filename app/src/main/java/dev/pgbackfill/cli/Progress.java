package dev.pgbackfill.cli;

import dev.pgbackfill.job.JobStatus;
import java.util.Locale;

/** Human-readable progress: a one-line summary, and a bar for terminals. */
final class Progress {
    private Progress() {
    }

    static String line(JobStatus s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "job %d %-9s %,d/%,d rows", s.id(), s.state(), s.rowsDone(), s.rowsEstimated()));
        if (s.rowsEstimated() > 0) {
            b.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * s.rowsDone() / s.rowsEstimated()));
        }
        b.append(String.format(Locale.ROOT, "  %,.0f rows/s", s.state().isTerminal() ? s.averageRowsPerSecond() : s.rowsPerSecond()));
        if (s.etaSeconds() != null) {
            b.append("  ETA ").append(duration(s.etaSeconds()));
        }
        b.append(String.format(Locale.ROOT, "  chunks %d/%d", s.chunksDone(), s.chunksTotal()));
        if (s.rowsReswept() > 0) {
            b.append(String.format(Locale.ROOT, " (+%,d re-swept)", s.rowsReswept()));
        }
        if (s.stuckRows() > 0) {
            b.append("  stuck rows ").append(s.stuckRows());
        }
        if (s.throttleReason() != null) {
            b.append("  [").append(s.throttleReason()).append(']');
        }
        if (s.lastError() != null && s.state().isTerminal()) {
            b.append("  — ").append(s.lastError());
        }
        return b.toString();
    }

    static String bar(JobStatus s, int width) {
        double f = s.rowsEstimated() <= 0 ? (s.state().isTerminal() ? 1 : 0) : Math.min(1, (double) s.rowsDone() / s.rowsEstimated());
        int full = (int) Math.round(f * width);
        return "[" + "#".repeat(full) + "-".repeat(width - full) + "] " + line(s);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02d", seconds % 3600 / 60) + "m";
    }
}
