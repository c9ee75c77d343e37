package dev.pgbackfill.coordinator.control;

import java.time.Duration;

/**
 * @param tick              how often the monitor republishes, samples and completes jobs
 * @param republishPending  a PENDING chunk whose request was published this long ago is published again (lost
 *                          records, or a busy consumer sitting on it)
 * @param sampleEvery       how often a job's progress is sampled for rates and the rate chart
 * @param maxVerifyRounds   how often a finished job may reopen chunks because rows still match its predicate
 */
public record CoordinatorSettings(Duration tick, Duration republishPending, Duration sampleEvery, int maxVerifyRounds) {
    public static CoordinatorSettings defaults() {
        return new CoordinatorSettings(Duration.ofMillis(200), Duration.ofMinutes(2), Duration.ofSeconds(2), 10);
    }
}
