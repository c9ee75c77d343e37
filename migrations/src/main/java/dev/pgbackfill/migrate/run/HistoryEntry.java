package dev.pgbackfill.migrate.run;

/** One line of {@code migrate history}: a phase applied or a revision downgraded. */
public record HistoryEntry(String at, String revision, String direction, String phase, String actor, String detail) {
}
