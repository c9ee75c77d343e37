package dev.pgbackfill.job;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the coordinator found when it launched a job, kept with the job so the status can tell the whole story.
 *
 * @param triggers    the table's user triggers that fire for every backfilled row, as {@code name (AFTER UPDATE, each row)}
 * @param partitions  the leaf partitions of a partitioned table, with their estimated rows; empty for a plain table
 * @param connectedAs the database role the coordinator launched the job as (workers connect the same way)
 */
public record JobPlan(List<String> triggers, List<String> partitions, @Nullable String connectedAs) {
    public static final JobPlan NONE = new JobPlan(List.of(), List.of(), null);

    public JobPlan {
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
}
