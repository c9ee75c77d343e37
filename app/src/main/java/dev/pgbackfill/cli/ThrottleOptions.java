package dev.pgbackfill.cli;

import dev.pgbackfill.throttle.Threshold;
import dev.pgbackfill.throttle.ThrottleSettings;
import picocli.CommandLine.Option;

/** Throttle settings as options; the same fields as the REST API's throttle JSON. */
public final class ThrottleOptions {
    @Option(names = "--rate", paramLabel = "ROWS_PER_S", description = "Max rows/s for the whole job, shared by all its workers.")
    Double rate;

    @Option(names = "--schedule", paramLabel = "WINDOWS",
            description = "e.g. \"Mon-Fri 08:00-18:00 Europe/Berlin rate=2000; Sat-Sun paused; otherwise unlimited\".")
    String schedule;

    @Option(names = "--batch-target-ms", description = "Adaptive batch size aims at batches this long (default 250).")
    Integer batchTargetMs;

    @Option(names = "--min-batch", description = "Smallest adaptive batch (default 10).")
    Integer minBatch;

    @Option(names = "--max-batch", description = "Largest adaptive batch (default 20000).")
    Integer maxBatch;

    @Option(names = "--sleep-ratio", description = "After a batch that took d, wait d × ratio (default 0).")
    Double sleepRatio;

    @Option(names = "--max-replica-lag", paramLabel = "S[,CRIT]", description = "Replica replay lag (s) that throttles[,that pauses].")
    String replicaLag;

    @Option(names = "--max-wal-retained-mb", paramLabel = "MB[,CRIT]", description = "WAL retained by replication slots that throttles[,pauses].")
    String walRetained;

    @Option(names = "--max-lock-waiters", paramLabel = "N[,CRIT]", description = "Sessions waiting on our locks that throttle[,pause].")
    String lockWaiters;

    @Option(names = "--max-active-connections", paramLabel = "N[,CRIT]", description = "Active connections that throttle[,pause].")
    String activeConnections;

    @Option(names = "--probe", paramLabel = "SQL", description = "Custom health probe returning a number or boolean (true = 1).")
    String probe;

    @Option(names = "--probe-threshold", paramLabel = "T[,CRIT]", description = "Probe value that throttles[,pauses] (default 1).")
    String probeThreshold;

    /** The settings given on the command line (null fields = not given). */
    ThrottleSettings settings() {
        return new ThrottleSettings(rate, schedule, batchTargetMs, minBatch, maxBatch, sleepRatio,
                Threshold.parse("max-replica-lag", replicaLag), Threshold.parse("max-wal-retained-mb", walRetained),
                Threshold.parse("max-lock-waiters", lockWaiters), Threshold.parse("max-active-connections", activeConnections),
                probe, Threshold.parse("probe-threshold", probeThreshold));
    }
}
