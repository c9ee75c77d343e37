package dev.pgbackfill.throttle;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.error.InvalidInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The cluster-wide rows/s budget shared by every running job ({@code pgbackfill.setting} 'global_rate'). */
public final class GlobalRateStore {
    private final DataSource dataSource;

    public GlobalRateStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The cluster-wide rows/s budget shared by every running job, or null. */
    public @Nullable Double globalRate() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT (value #>> '{}')::float8 FROM pgbackfill.setting WHERE name = 'global_rate'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getDouble(1) : null;
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading or writing the global rate (pgbackfill.setting)", e);
        }
    }

    public void setGlobalRate(@Nullable Double rowsPerSecond) {
        if (rowsPerSecond != null && (!(rowsPerSecond > 0) || rowsPerSecond.isInfinite())) {
            throw new InvalidInputException("globalRate", "the global rate must be a positive number of rows per second, got " + rowsPerSecond);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(rowsPerSecond == null ? "DELETE FROM pgbackfill.setting WHERE name = 'global_rate'"
                     : "INSERT INTO pgbackfill.setting (name, value) VALUES ('global_rate', to_jsonb(?::float8)) "
                     + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            if (rowsPerSecond != null) {
                ps.setDouble(1, rowsPerSecond);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading or writing the global rate (pgbackfill.setting)", e);
        }
    }
}
