package dev.pgbackfill.springbatch;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.spec.BackfillSpec;
import java.time.Duration;
import java.util.Objects;
import org.springframework.batch.core.repository.JobRepository;

/**
 * Builds a {@link BackfillStep}, in the style of Spring Batch's step builders:
 * <pre>{@code
 * Step fill = new BackfillStepBuilder("fillEmail", jobRepository)
 *         .backfills(coordinator.operations())   // a Coordinator in this JVM, or BackfillOperations.over(url, token)
 *         .spec(BackfillSpec.on("users").set("email_new = lower(email)").build())
 *         .build();
 * }</pre>
 */
public final class BackfillStepBuilder {
    private final String name;
    private final JobRepository jobRepository;
    private BackfillOperations backfills;
    private BackfillSpec spec;
    private Duration pollInterval = Duration.ofMillis(500);
    private boolean allowStartIfComplete;

    public BackfillStepBuilder(String name, JobRepository jobRepository) {
        this.name = Objects.requireNonNull(name, "name");
        this.jobRepository = Objects.requireNonNull(jobRepository, "jobRepository");
    }

    /** Where jobs are launched and watched (required). */
    public BackfillStepBuilder backfills(BackfillOperations backfills) {
        this.backfills = backfills;
        return this;
    }

    /** The backfill to run (required); validated when the step runs, before its first write. */
    public BackfillStepBuilder spec(BackfillSpec spec) {
        this.spec = spec;
        return this;
    }

    /** How often the step reads the job's status, and so how soon it sees a stop (default 500 ms). */
    public BackfillStepBuilder pollInterval(Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        this.pollInterval = pollInterval;
        return this;
    }

    /** Run again in a new job instance's restart even when it completed (Spring Batch's flag of the same name). */
    public BackfillStepBuilder allowStartIfComplete(boolean allow) {
        this.allowStartIfComplete = allow;
        return this;
    }

    public BackfillStep build() {
        if (backfills == null || spec == null) {
            throw new IllegalStateException("BackfillStepBuilder(\"" + name + "\") needs backfills(...) and spec(...)");
        }
        BackfillStep step = new BackfillStep(name, backfills, spec, pollInterval);
        step.setJobRepository(jobRepository);
        step.setAllowStartIfComplete(allowStartIfComplete);
        return step;
    }
}
