package dev.pgbackfill.cli;

import dev.pgbackfill.spec.BackfillSpec;
import java.util.List;
import picocli.CommandLine.Option;

/** The backfill spec, with the same names as the REST API's JSON fields. */
public final class SpecOptions {
    @Option(names = "--table", required = true, description = "Target table, SQL identifier syntax: users, 'sales.\"Order Items\"'.")
    String table;

    @Option(names = "--set", required = true, paramLabel = "\"COL = EXPR\"",
            description = "Assignment (repeatable). Expressions may use the target's columns (alias t).")
    List<String> set;

    @Option(names = "--where", paramLabel = "PRED",
            description = "Rows to change. Default: rows where some column IS DISTINCT FROM its new value.")
    String where;

    @Option(names = "--from", paramLabel = "FROM_ITEM", description = "Extra FROM item for UPDATE … FROM, e.g. \"users u\".")
    String from;

    @Option(names = "--join", paramLabel = "COND", description = "Join condition for --from, e.g. \"u.legacy_id = t.legacy_user_id\".")
    String join;

    @Option(names = "--key", paramLabel = "COL[,COL…]", description = "Key to walk the table by (default: the primary key).")
    String key;

    @Option(names = "--batch-size", paramLabel = "ROWS", description = "Rows per batch / transaction (default 1000).")
    Integer batchSize;

    @Option(names = "--chunk-size", paramLabel = "ROWS", description = "Rows per chunk handed to a worker (default: chosen by the planner).")
    Long chunkSize;

    @Option(names = "--disable-triggers", description = "Run batches with session_replication_role = replica: the table's ordinary "
            + "triggers do not fire for backfilled rows (ALWAYS and REPLICA triggers still do). Needs the right to SET that parameter; "
            + "refused when a column --set writes is part of a foreign key, whose checks it would skip.")
    boolean disableTriggers;

    @picocli.CommandLine.Mixin
    ThrottleOptions throttle;

    BackfillSpec spec() {
        return new BackfillSpec(table, set, where, from, join, key, batchSize, chunkSize, throttle.settings(), disableTriggers ? Boolean.TRUE : null);
    }
}
