package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.run.MigrateSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How DDL and backfills run during migrate up / down / test-reversible. */
public final class MigrateRunOptions {
    @Option(names = "--lock-retries", defaultValue = "10",
            description = "Retries of a DDL step that hit lock_timeout (--lock-timeout-ms), with doubling backoff (default ${DEFAULT-VALUE}).")
    int lockRetries;

    @Option(names = "--retry-backoff-ms", defaultValue = "1000", description = "First backoff after a lock_timeout (default ${DEFAULT-VALUE}).")
    long retryBackoffMs;

    @Option(names = "--ddl-statement-timeout-ms", defaultValue = "3600000",
            description = "statement_timeout of DDL (index builds, VALIDATE) (default ${DEFAULT-VALUE} = 1 h).")
    long ddlStatementTimeoutMs;

    @Option(names = "--workers", defaultValue = "2", description = "Workers in this process for backfills (default ${DEFAULT-VALUE}).")
    int workers;

    MigrateSettings settings(String scope, DbOptions db) {
        if (lockRetries < 0 || lockRetries > 1000) {
            throw new InvalidInputException("lock-retries", "--lock-retries must be between 0 and 1000, got " + lockRetries);
        }
        if (retryBackoffMs < 1 || ddlStatementTimeoutMs < 0 || db.lockTimeoutMs < 1) {
            throw new InvalidInputException("timeouts", "--retry-backoff-ms and --lock-timeout-ms must be positive, --ddl-statement-timeout-ms not negative");
        }
        if (workers < 1 || workers > 256) {
            throw new InvalidInputException("workers", "--workers must be between 1 and 256, got " + workers);
        }
        return MigrateSettings.defaults().withScope(scope)
                .withLockTimeout(Duration.ofMillis(db.lockTimeoutMs), lockRetries, Duration.ofMillis(retryBackoffMs))
                .withStatementTimeout(Duration.ofMillis(ddlStatementTimeoutMs));
    }
}
