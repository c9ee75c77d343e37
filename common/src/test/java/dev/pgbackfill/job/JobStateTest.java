package dev.pgbackfill.job;

import static dev.pgbackfill.job.JobState.CANCELLED;
import static dev.pgbackfill.job.JobState.FAILED;
import static dev.pgbackfill.job.JobState.PAUSED;
import static dev.pgbackfill.job.JobState.PLANNING;
import static dev.pgbackfill.job.JobState.RUNNING;
import static dev.pgbackfill.job.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** {@code PLANNING → RUNNING ⇄ PAUSED → SUCCEEDED | FAILED | CANCELLED}, and FAILED may be resumed. */
class JobStateTest {
    @Test
    void aJobIsPlannedOnlyOnceAndNothingLeadsBackToPlanning() {
        assertThat(PLANNING.allowedFrom()).isEmpty();
    }

    @Test
    void aJobRunsAfterPlanningAfterAPauseOrToRetryAFailure() {
        assertThat(RUNNING.allowedFrom()).containsExactlyInAnyOrder(PLANNING, PAUSED, FAILED);
    }

    @Test
    void onlyARunningJobCanBePaused() {
        assertThat(PAUSED.allowedFrom()).containsExactly(RUNNING);
    }

    @Test
    void onlyARunningJobSucceeds() {
        assertThat(SUCCEEDED.allowedFrom()).containsExactly(RUNNING);
    }

    @Test
    void anUnfinishedJobCanFailOrBeCancelled() {
        assertThat(FAILED.allowedFrom()).containsExactlyInAnyOrder(PLANNING, RUNNING, PAUSED);
        assertThat(CANCELLED.allowedFrom()).containsExactlyInAnyOrder(PLANNING, RUNNING, PAUSED);
    }

    @Test
    void aSucceededOrCancelledJobNeverChangesAgain() {
        for (JobState to : JobState.values()) {
            assertThat(to.allowedFrom()).doesNotContain(SUCCEEDED, CANCELLED);
        }
    }

    @Test
    void theTerminalStatesAreSucceededFailedAndCancelled() {
        assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isTerminal)).containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED);
    }
}
