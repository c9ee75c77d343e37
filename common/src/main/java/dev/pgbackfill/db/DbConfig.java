package dev.pgbackfill.db;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How to reach the target database, and the guard rails every pgbackfill session runs under.
 *
 * @param lockTimeout      {@code lock_timeout} for every statement: a batch never queues behind the application
 * @param statementTimeout {@code statement_timeout} for every statement
 */
public record DbConfig(String url, @Nullable String user, @Nullable String password, Duration lockTimeout, Duration statementTimeout) {
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    public DbConfig {
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        statementTimeout = statementTimeout == null ? DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
    }

    public static DbConfig of(String url, String user, String password) {
        return new DbConfig(url, user, password, null, null);
    }

    /** A parameter of the URL's query string (e.g. {@code user}), URL-decoded, or null. */
    public @Nullable String urlParameter(String name) {
        int q = url == null ? -1 : url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equalsIgnoreCase(name)) {
                return java.net.URLDecoder.decode(kv.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The URL with any password parameter hidden, for messages and logs. */
    public String safeUrl() {
        return url == null ? "" : url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
