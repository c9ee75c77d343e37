package dev.pgbackfill.migrate.run;

import java.time.Duration;

/**
 * How {@code migrate} runs.
 *
 * @param scope            which history in {@code pgbackfill.migration_version} (several revision sets can share a database)
 * @param lockTimeout      lock_timeout of every DDL statement: waiting longer would queue the application behind it
 * @param statementTimeout statement_timeout of every DDL statement (index builds and VALIDATE scans need minutes)
 * @param lockRetries      retries after a lock_timeout, with exponential backoff (GitLab's with_lock_retries)
 * @param retryBackoff     the first backoff; it doubles up to 30 s
 * @param allowDestructive dropTable drops instead of renaming to a backup
 * @param waitForBackfills run backfills to completion in-line; false launches them for a running cluster
 * @param actor            recorded in the history
 */
public record MigrateSettings(String scope, Duration lockTimeout, Duration statementTimeout, int lockRetries,
                             Duration retryBackoff, boolean allowDestructive, boolean waitForBackfills, String actor) {

    public static MigrateSettings defaults() {
        return new MigrateSettings("default", Duration.ofSeconds(2), Duration.ofHours(1), 10, Duration.ofSeconds(1), false, true,
                System.getProperty("user.name", "migrate"));
    }

    public MigrateSettings withScope(String value) {
        return new MigrateSettings(value, lockTimeout, statementTimeout, lockRetries, retryBackoff, allowDestructive, waitForBackfills, actor);
    }

    public MigrateSettings withLockTimeout(Duration value, int retries, Duration backoff) {
        return new MigrateSettings(scope, value, statementTimeout, retries, backoff, allowDestructive, waitForBackfills, actor);
    }

    public MigrateSettings withStatementTimeout(Duration value) {
        return new MigrateSettings(scope, lockTimeout, value, lockRetries, retryBackoff, allowDestructive, waitForBackfills, actor);
    }

    public MigrateSettings withAllowDestructive(boolean value) {
        return new MigrateSettings(scope, lockTimeout, statementTimeout, lockRetries, retryBackoff, value, waitForBackfills, actor);
    }

    public MigrateSettings withWaitForBackfills(boolean value) {
        return new MigrateSettings(scope, lockTimeout, statementTimeout, lockRetries, retryBackoff, allowDestructive, value, actor);
    }
}
