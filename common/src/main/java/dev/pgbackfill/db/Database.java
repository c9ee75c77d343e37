package dev.pgbackfill.db;

import dev.pgbackfill.error.SqlErrors;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.PgbackfillException;
import dev.pgbackfill.error.UnreachableException;
import java.sql.SQLException;

/** Connection pools to the target database, with pgbackfill's session settings on every connection. */
public final class Database {
    private Database() {
    }

    /**
     * Opens a pool and checks that it connects. Fails fast with an operator-readable error naming the setting to
     * fix: exit 3 when the server cannot be reached, exit 2 for a wrong URL, database or credentials.
     */
    public static HikariDataSource open(DbConfig config, int maxPoolSize, String applicationName) {
        if (config.url() == null || !config.url().startsWith("jdbc:postgresql:")) {
            throw new InvalidInputException("db", "--db must be a PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/dbname, got '"
                    + config.safeUrl() + "'");
        }
        refuseTwoUsers(config);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.url());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setPoolName("pgbackfill-" + applicationName);
        hc.setMaximumPoolSize(maxPoolSize);
        hc.setMinimumIdle(0);
        hc.setInitializationFailTimeout(1);
        hc.setConnectionTimeout(10_000);
        hc.setExceptionOverride(new RefusalsKeepConnections());
        hc.addDataSourceProperty("ApplicationName", "pgbackfill-" + applicationName);
        hc.addDataSourceProperty("connectTimeout", "10");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        // The database comes first: no statement of ours queues behind application locks or runs away.
        // force_custom_plan: batch statements are planned with their real LIMIT and bounds every time; a generic
        // plan could pick a hash join that scans the whole table per batch.
        hc.setConnectionInitSql("SET lock_timeout = " + config.lockTimeout().toMillis()
                + "; SET statement_timeout = " + config.statementTimeout().toMillis()
                + "; SET idle_in_transaction_session_timeout = " + Math.max(60_000, 2 * config.statementTimeout().toMillis())
                + "; SET plan_cache_mode = force_custom_plan");
        try {
            return new HikariDataSource(hc);
        } catch (HikariPool.PoolInitializationException e) {
            throw connectFailure(config, e.getCause() instanceof SQLException s ? s : null, e);
        } catch (RuntimeException e) {
            throw connectFailure(config, null, e);
        }
    }

    /**
     * The role the pool's connections run as, and where: {@code app_rw@db1 on pg.internal:5432}. Printed when a
     * service starts, because which user connected (the URL's user=, --db-user, PGUSER, the OS user) is easy to get wrong.
     */
    public static String currentUser(javax.sql.DataSource dataSource) {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT current_user || '@' || current_database() || coalesce(' on '"
                     + " || host(inet_server_addr()) || ':' || inet_server_port(), ' on a local socket')")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    /** The URL's user= and --db-user: which one would connect is the driver's choice, so both may not be given. */
    private static void refuseTwoUsers(DbConfig config) {
        String urlUser = config.urlParameter("user");
        if (config.user() != null && urlUser != null && !urlUser.equals(config.user())) {
            throw new InvalidInputException("db", "the database user is given twice: user=" + urlUser + " in --db and " + config.user()
                    + " in --db-user / PGBACKFILL_DB_USER; keep one of them");
        }
    }

    static PgbackfillException connectFailure(DbConfig config, SQLException sql, Throwable e) {
        String state = sql == null ? "" : String.valueOf(sql.getSQLState());
        String detail = sql != null ? sql.getMessage() : String.valueOf(e.getMessage());
        if (state.startsWith("28")) {
            return new InvalidInputException("db", "PostgreSQL refused the credentials for " + config.safeUrl() + " (" + detail
                    + "); check PGBACKFILL_DB_USER / PGBACKFILL_DB_PASSWORD");
        }
        if (state.equals(SqlErrors.INVALID_CATALOG_NAME)) {
            return new InvalidInputException("db", "database in " + config.safeUrl() + " does not exist (" + detail + "); check --db");
        }
        return new UnreachableException("cannot connect to PostgreSQL at " + config.safeUrl() + ": " + detail
                + "; check --db / PGBACKFILL_DB_URL and that the server is running", e);
    }
}
