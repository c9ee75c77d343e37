package dev.pgbackfill.coordinator.control;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * @param tick              how often the monitor republishes, samples and completes jobs
 * @param republishPending  a PENDING chunk whose request was published this long ago is published again (lost
 *                          records, or a busy consumer sitting on it)
 * @param sampleEvery       how often a job's progress is sampled for rates and the rate chart
 * @param maxVerifyRounds   how often a finished job may reopen chunks because rows still match its predicate
 * @param probeRole         the role custom health probes run as ({@code --probe-role}); null: the coordinator's own
 * @param splitChunks       cut running chunks so idle worker threads take part of them ({@code split.TailSplitter})
 */
public record CoordinatorSettings(Duration tick, Duration republishPending, Duration sampleEvery, int maxVerifyRounds,
                                  @Nullable String probeRole, boolean splitChunks) {
    public CoordinatorSettings(Duration tick, Duration republishPending, Duration sampleEvery, int maxVerifyRounds) {
        this(tick, republishPending, sampleEvery, maxVerifyRounds, null, true);
    }

    public static CoordinatorSettings defaults() {
        return new CoordinatorSettings(Duration.ofMillis(200), Duration.ofMinutes(2), Duration.ofSeconds(2), 10);
    }

    public CoordinatorSettings withProbeRole(@Nullable String role) {
        return new CoordinatorSettings(tick, republishPending, sampleEvery, maxVerifyRounds, role == null || role.isBlank() ? null : role, splitChunks);
    }

    /** Chunks stay as planned (tests that check a plan; an operator who wants none of the splitter's probes). */
    public CoordinatorSettings withoutSplits() {
        return new CoordinatorSettings(tick, republishPending, sampleEvery, maxVerifyRounds, probeRole, false);
    }
}
