package dev.pgbackfill.coordinator.catalog;

/**
 * A user trigger that fires when the backfill updates a row of the table (or of one of its partitions).
 *
 * @param name      the trigger's name, quoted as SQL needs it
 * @param relation  the table or partition it is defined on
 * @param timing    {@code BEFORE}, {@code AFTER} or {@code INSTEAD OF}
 * @param perRow    fires for each row ({@code FOR EACH ROW}) rather than once per statement
 * @param firesAs   when it fires: {@code ORIGIN} (the default: not under {@code --disable-triggers}), {@code ALWAYS}, or
 *                  {@code REPLICA} (only under {@code --disable-triggers})
 */
public record Trigger(String name, String relation, String timing, boolean perRow, String firesAs) {
    /** pg_trigger.tgtype bits. */
    static final int ROW = 1;
    static final int BEFORE = 2;
    static final int UPDATE = 16;
    static final int INSTEAD = 64;

    /** Whether it fires for the backfill's batches, with or without {@code --disable-triggers}. */
    public boolean fires(boolean triggersDisabled) {
        return switch (firesAs) {
            case "ALWAYS" -> true;
            case "REPLICA" -> triggersDisabled;
            default -> !triggersDisabled;
        };
    }

    /** How the plan line, the status and the dashboard show it: {@code audit_row (AFTER UPDATE, each row)}. */
    public String describe() {
        return name + " (" + timing + " UPDATE, " + (perRow ? "each row" : "each statement")
                + ("ORIGIN".equals(firesAs) ? "" : ", " + firesAs) + ")";
    }
}
