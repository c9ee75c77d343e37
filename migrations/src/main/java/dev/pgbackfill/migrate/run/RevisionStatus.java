package dev.pgbackfill.migrate.run;

import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.migrate.Phase;
import java.util.List;

/**
 * One revision in {@code migrate status}.
 *
 * @param phases    the phases that have steps in its upgrade
 * @param phaseDone the last phase completed here, null when none
 * @param state     {@code applied}, {@code pending} or {@code partial}
 * @param jobs      its backfill jobs, as they stand now
 */
public record RevisionStatus(String revision, List<String> downRevisions, String message, String source, List<Phase> phases,
                             Phase phaseDone, String state, List<JobStatus> jobs) {
}
