package dev.pgbackfill.db;

import java.time.Duration;

/**
 * How to reach the target database, and the guard rails every pgbackfill session runs under.
 *
 * @param lockTimeout      {@code lock_timeout} for every statement: a batch never queues behind the application
 * @param statementTimeout {@code statement_timeout} for every statement
 */
public record DbConfig(String url, String user, String password, Duration lockTimeout, Duration statementTimeout) {
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    public DbConfig {
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        statementTimeout = statementTimeout == null ? DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
    }

    public static DbConfig of(String url, String user, String password) {
        return new DbConfig(url, user, password, null, null);
    }

    /** The URL with any password parameter hidden, for messages and logs. */
    public String safeUrl() {
        return url == null ? "" : url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
