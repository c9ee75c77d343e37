package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.SqlErrors;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * GitLab's {@code with_lock_retries}: DDL waits at most lock_timeout for its lock (so the application's queries do
 * not queue behind it), then the unit is rolled back and retried after a growing pause.
 */
final class LockRetry {
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    @FunctionalInterface
    interface Unit {
        void run() throws SQLException;
    }

    private final MigrateSettings settings;
    private final Retry retry;
    private final String where;

    LockRetry(MigrateSettings settings, Consumer<String> log, String where) {
        this.settings = settings;
        this.where = where;
        this.retry = Retry.of("ddl-lock", RetryConfig.custom()
                .maxAttempts(settings.lockRetries() + 1)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retryBackoff(), 2.0, MAX_BACKOFF))
                .retryOnException(SqlErrors::isLockTimeoutOrDeadlock)
                .build());
        retry.getEventPublisher().onRetry(e -> log.accept(String.format(Locale.ROOT,
                "%s: no lock within lock_timeout (%d ms), another session holds a conflicting one; retry %d of %d in %.1f s",
                where, settings.lockTimeout().toMillis(), e.getNumberOfRetryAttempts(), settings.lockRetries(),
                e.getWaitInterval().toMillis() / 1000.0)));
    }

    void run(Unit unit) {
        try {
            retry.executeCheckedSupplier(() -> {
                unit.run();
                return null;
            });
        } catch (SQLException e) {
            if (SqlErrors.isLockTimeoutOrDeadlock(e)) {
                throw new MigrationFailedException(where + ": still no lock after " + settings.lockRetries() + " retries of "
                        + settings.lockTimeout().toMillis() + " ms; find the blocking session (pg_stat_activity, pg_locks) or retry "
                        + "at a quieter time; nothing of this step was applied", e);
            }
            throw new MigrationFailedException(where + " failed: " + SqlErrors.firstLine(e.getMessage()), e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new MigrationFailedException(where + " failed: " + t, t);
        }
    }
}
