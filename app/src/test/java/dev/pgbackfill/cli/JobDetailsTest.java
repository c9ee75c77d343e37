package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobSpec;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code status JOB} and {@code run} print under the progress line: the spec and what launch found. */
class JobDetailsTest {
    static final JobSpec SPEC = new JobSpec(List.of("rentals = (SELECT count(*) FROM rental r WHERE r.customer_id = t.customer_id)"),
            "rentals IS NULL", "rentals IS NULL", null, null, List.of("customer_id"), 1000, 0, false,
            List.of("customer_last_updated (BEFORE UPDATE, each row)"), List.of("customer_eu (~400 rows)", "customer_us (~200 rows)"),
            "app_rw", new ThrottleSettings(2000.0, null, null, null, null, null, null, null, null, null, null, null));

    static JobStatus status(long reswept) {
        return new JobStatus(7, JobState.RUNNING, "\"public\".\"customer\"", 300, 600, 100, 90, 3L, "2026-12-01T10:00:00Z",
                "2026-12-01T10:00:01Z", null, "rate limit 2,000 rows/s", 0, 4, 2, 2, 2, null, reswept, SPEC);
    }

    @Test
    void statusListsEveryFieldOfTheSpecAndWhatLaunchFound() {
        assertThat(JobDetails.all(status(0))).containsExactly(
                "  set         rentals = (SELECT count(*) FROM rental r WHERE r.customer_id = t.customer_id)",
                "  where       rentals IS NULL",
                "  key         customer_id   batch 1000 rows   chunk planner's choice",
                "  throttle    {\"rate\":2000.0}",
                "  triggers    fires for every backfilled row: customer_last_updated (BEFORE UPDATE, each row)",
                "  partitions  customer_eu (~400 rows), customer_us (~200 rows)",
                "  role        app_rw");
    }

    @Test
    void resweptRowsAreExplainedWhenThereAreAny() {
        assertThat(JobDetails.all(status(12))).last().asString()
                .isEqualTo("  reswept     12 row(s) changed again after the final check reopened their chunk (inserted behind the cursor, "
                        + "or changed back by the application)");
        assertThat(Progress.line(status(12))).contains(" (+12 re-swept)");
    }

    @Test
    void runPrintsTheRoleTheTriggersAndThePartitionsOnceTheJobIsPlanned() {
        assertThat(JobDetails.plan(status(0))).containsExactly(
                "pgbackfill: job 7 on \"public\".\"customer\" as role app_rw: 4 chunk(s), key customer_id, batches of 1000",
                "pgbackfill: triggers: fires for every backfilled row: customer_last_updated (BEFORE UPDATE, each row)",
                "pgbackfill: partitions: customer_eu (~400 rows), customer_us (~200 rows)");
    }
}
