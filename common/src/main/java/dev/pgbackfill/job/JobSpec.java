package dev.pgbackfill.job;

import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.KeyColumn;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A job's spec as the status shows it: what the operator gave, what pgbackfill made of it, and what launch found.
 *
 * @param where      the operator's {@code --where}; null when none was given
 * @param predicate  the predicate batches use: the operator's, the derived {@code IS DISTINCT FROM} terms, or both
 * @param key        the key columns the job walks
 * @param chunkSize  rows per chunk as planned (0 when the planner chose)
 * @param throttle   the job's current throttle settings
 */
public record JobSpec(List<String> set, @Nullable String where, String predicate, @Nullable String from, @Nullable String join,
                      List<String> key, int batchSize, long chunkSize, boolean disableTriggers, List<String> triggers,
                      List<String> partitions, @Nullable String connectedAs, ThrottleSettings throttle) {

    static JobSpec of(BackfillSpec given, ResolvedSpec resolved, JobPlan plan, ThrottleSettings throttle) {
        return new JobSpec(given.set(), given.where(), resolved.predicate(), given.from(), given.join(),
                resolved.keys().stream().map(KeyColumn::name).toList(), resolved.batchSize(), resolved.chunkSize(),
                resolved.disableTriggers(), plan.triggers(), plan.partitions(), plan.connectedAs(), throttle);
    }
}
