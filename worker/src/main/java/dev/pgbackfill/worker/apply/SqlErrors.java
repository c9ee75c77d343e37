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

    static String state(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
