package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.Phase;
import java.util.List;

/**
 * A revision's progress in {@code pgbackfill.migration_version}.
 *
 * @param phaseDone the last phase completed, null when none is yet
 * @param stepsDone steps of the next phase already done (a revision that runs outside one transaction resumes there)
 * @param downStepsDone steps of a downgrade in progress already done
 * @param jobs      the backfill jobs it launched, in step order
 */
public record VersionRow(String revision, Phase phaseDone, int stepsDone, int downStepsDone, List<Long> jobs, String updatedAt) {
    public boolean complete() {
        return phaseDone == Phase.CONTRACT;
    }

    public boolean done(Phase phase) {
        return phaseDone != null && phaseDone.compareTo(phase) >= 0;
    }
}
