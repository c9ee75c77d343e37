package dev.pgbackfill.error;

import org.jspecify.annotations.Nullable;
import java.sql.SQLException;

/**
 * A statement of pgbackfill's own failed in PostgreSQL: the message says what pgbackfill was doing and carries
 * PostgreSQL's first message line and SQLSTATE. Connection failures become {@link UnreachableException} instead.
 */
public class DatabaseException extends PgbackfillException {
    private final @Nullable String sqlState;

    private DatabaseException(String message, @Nullable String sqlState, Exception cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** E.g. {@code wrap("changing job 4 to PAUSED", e)}: "changing job 4 to PAUSED failed: … [SQLSTATE 42501]". */
    public static PgbackfillException wrap(String doing, SQLException e) {
        String message = doing + " failed: " + SqlErrors.firstLine(e.getMessage()) + " [SQLSTATE " + e.getSQLState() + "]";
        if (SqlErrors.isConnectionFailure(e)) {
            return new UnreachableException(message + "; is PostgreSQL up and reachable?", e);
        }
        return new DatabaseException(message, e.getSQLState(), e);
    }

    /** Like {@link #wrap(String, SQLException)} for an error that has a SQLException among its causes (Flyway's). */
    public static PgbackfillException wrap(String doing, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return wrap(doing, sql);
            }
        }
        return new DatabaseException(doing + " failed: " + SqlErrors.firstLine(e.getMessage()), null, e);
    }

    public @Nullable String sqlState() {
        return sqlState;
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.DATABASE;
    }
}
