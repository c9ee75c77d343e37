package dev.pgbackfill.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;

/** A pgbackfill job's state events as Spring Batch executions: one per run. */
class JobRunsTest {
    static final LocalDateTime T = LocalDateTime.of(2026, 12, 1, 12, 0);

    static JobRuns.StateEvent e(int minute, String from, String to) {
        return new JobRuns.StateEvent(T.plusMinutes(minute), from, to, to.toLowerCase());
    }

    @Test
    void aPausedAndResumedJobIsAStoppedRunThenACompletedOne() {
        List<JobRuns.Run> runs = JobRuns.from(List.of(e(0, "PLANNING", "RUNNING"), e(5, "RUNNING", "PAUSED"), e(9, "PAUSED", "RUNNING"),
                e(12, "RUNNING", "SUCCEEDED")));

        assertThat(runs).extracting(JobRuns.Run::status).containsExactly(BatchStatus.STOPPED, BatchStatus.COMPLETED);
        assertThat(runs.get(1).start()).isEqualTo(T.plusMinutes(9));
        assertThat(runs.get(1).end()).isEqualTo(T.plusMinutes(12));
    }

    @Test
    void aRunningJobHasAnOpenRunAndACancelledOneIsAbandoned() {
        assertThat(JobRuns.from(List.of(e(0, "PLANNING", "RUNNING")))).extracting(JobRuns.Run::status, JobRuns.Run::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(BatchStatus.STARTED, null));
        assertThat(JobRuns.from(List.of(e(0, "PLANNING", "RUNNING"), e(1, "RUNNING", "CANCELLED")))).extracting(JobRuns.Run::status)
                .containsExactly(BatchStatus.ABANDONED);
    }

    @Test
    void aJobCancelledWhilePausedAbandonsItsStoppedRun() {
        List<JobRuns.Run> runs = JobRuns.from(List.of(e(0, "PLANNING", "RUNNING"), e(1, "RUNNING", "FAILED"), e(2, "FAILED", "RUNNING"),
                e(3, "RUNNING", "PAUSED"), e(4, "PAUSED", "CANCELLED")));

        assertThat(runs).extracting(JobRuns.Run::status).as("the stopped run is abandoned by the cancel").containsExactly(BatchStatus.FAILED,
                BatchStatus.ABANDONED);
        assertThat(runs.getFirst().reason()).isEqualTo("failed");
        assertThat(runs.get(1).end()).isEqualTo(T.plusMinutes(3));
    }
}
