package dev.pgbackfill.db;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.pgbackfill.error.SqlErrors;
import java.sql.SQLException;

/**
 * HikariCP evicts a connection on SQLSTATE 0A000 ("feature not supported"), taking it for a broken connection; in
 * PostgreSQL it is a refusal of one statement (CONCURRENTLY on a partitioned table, a subquery in a generated column)
 * on a healthy session. Evicting there closed the connection under the caller, whose error then read "Connection is
 * closed" instead of PostgreSQL's. Every other SQLSTATE keeps Hikari's own judgement.
 */
public final class RefusalsKeepConnections implements SQLExceptionOverride {
    @java.lang.Override
    public Override adjudicate(SQLException e) {
        return SqlErrors.FEATURE_NOT_SUPPORTED.equals(e.getSQLState()) ? Override.DO_NOT_EVICT : Override.CONTINUE_EVICT;
    }
}
