package dev.pgbackfill.worker.apply;

import java.sql.SQLException;

/** Classifies database errors by SQLSTATE (never by message text). */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** Worth retrying as is: serialization failure, deadlock, connection trouble, server shutting down. */
    public static boolean isTransient(Throwable t) {
        String s = state(t);
        return s != null && (s.equals("40001") || s.equals("40P01") || s.startsWith("08") || s.equals("57P01") || s.equals("57P03"));
    }

    /** lock_timeout (55P03) or statement_timeout (57014): retry with a smaller batch. */
    public static boolean isTimeout(Throwable t) {
        String s = state(t);
        return "55P03".equals(s) || "57014".equals(s);
    }

    /**
     * Errors a retry cannot cure: data exceptions (22: division by zero, bad cast), integrity violations (23),
     * syntax or access problems (42: a dropped column, permission denied), unsupported features (0A).
     */
    public static boolean isPermanent(Throwable t) {
        String s = state(t);
        return s != null && (s.startsWith("22") || s.startsWith("23") || s.startsWith("42") || s.startsWith("0A"));
    }

    /** The first SQLException's state and message, for an operator. */
    public static String describe(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql) {
                return "SQLSTATE " + sql.getSQLState() + ": " + String.valueOf(sql.getMessage()).lines().findFirst().orElse("");
            }
        }
        return t.toString();
    }

    static String state(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
