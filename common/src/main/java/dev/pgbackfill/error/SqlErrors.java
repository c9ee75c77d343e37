package dev.pgbackfill.error;

import org.jspecify.annotations.Nullable;
import java.sql.SQLException;

/** Classifies database errors by SQLSTATE (never by message text). The one place SQLSTATE values are spelled. */
public final class SqlErrors {
    public static final String SERIALIZATION_FAILURE = "40001";
    public static final String DEADLOCK_DETECTED = "40P01";
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    public static final String QUERY_CANCELED = "57014";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    public static final String UNDEFINED_TABLE = "42P01";
    public static final String INVALID_CATALOG_NAME = "3D000";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    /** Not a PostgreSQL code: what a worker records in its circuit breaker for a failed chunk (system_error). */
    public static final String SYSTEM_ERROR = "58000";

    private SqlErrors() {
    }

    /** Worth retrying as is: serialization failure, deadlock, connection trouble, server shutting down. */
    public static boolean isTransient(Throwable t) {
        String s = state(t);
        return s != null && (s.equals(SERIALIZATION_FAILURE) || s.equals(DEADLOCK_DETECTED) || s.startsWith("08") || s.equals("57P01")
                || s.equals("57P03"));
    }

    /** lock_timeout (55P03) or statement_timeout (57014): retry with a smaller batch. */
    public static boolean isTimeout(Throwable t) {
        String s = state(t);
        return LOCK_NOT_AVAILABLE.equals(s) || QUERY_CANCELED.equals(s);
    }

    /** lock_not_available (lock_timeout) and deadlock_detected: both say "try again later", nothing applied. */
    public static boolean isLockTimeoutOrDeadlock(Throwable t) {
        String s = state(t);
        return LOCK_NOT_AVAILABLE.equals(s) || DEADLOCK_DETECTED.equals(s);
    }

    /** The connection is gone or never came (class 08, or the server shutting down: 57P01–57P03). */
    public static boolean isConnectionFailure(Throwable t) {
        String s = state(t);
        return s != null && (s.startsWith("08") || s.startsWith("57P0"));
    }

    /** Whether the first SQLException in {@code t}'s causes has this SQLSTATE. */
    public static boolean is(Throwable t, String sqlState) {
        return sqlState.equals(state(t));
    }

    /**
     * Errors a retry cannot cure: data exceptions (22: division by zero, bad cast), integrity violations (23),
     * syntax or access problems (42: a dropped column, permission denied), unsupported features (0A).
     */
    public static boolean isPermanent(Throwable t) {
        String s = state(t);
        return s != null && (s.startsWith("22") || s.startsWith("23") || s.startsWith("42") || s.startsWith("0A"));
    }

    /**
     * The first SQLException's state and message for an operator, with PostgreSQL's detail when it has one (for a
     * constraint violation it names the row: "Failing row contains (…)").
     */
    public static String describe(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql) {
                String detail = sql instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                        ? p.getServerErrorMessage().getDetail() : null;
                return "SQLSTATE " + sql.getSQLState() + ": " + firstLine(sql.getMessage()) + (detail == null ? "" : " (" + firstLine(detail) + ")");
            }
        }
        return t.toString();
    }

    /** The first line of PostgreSQL's message, without its "ERROR: " prefix. */
    public static String firstLine(@Nullable String message) {
        return String.valueOf(message).lines().findFirst().orElse("").replaceFirst("^ERROR: ", "");
    }

    /** The SQLSTATE of the first SQLException among {@code t} and its causes, or null. */
    public static @Nullable String state(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
