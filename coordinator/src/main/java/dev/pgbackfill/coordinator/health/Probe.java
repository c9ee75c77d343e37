package dev.pgbackfill.coordinator.health;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.sql.Identifier;
import dev.pgbackfill.throttle.ProbeQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * Runs custom health probes: one query ({@link ProbeQuery#check}) as a prepared statement in a READ ONLY transaction
 * under a 2 s statement timeout, always rolled back; a boolean counts as 1 (true) or 0.
 *
 * @param role when set ({@code coordinator --probe-role}), the probe runs as this role ({@code SET LOCAL ROLE}), so
 *             what it may read is what that role was granted, not what the coordinator's role may do; the
 *             coordinator's role must be a member of it (docs/operations.md lists the grants)
 */
public record Probe(@Nullable String role) {
    public static final Probe AS_COORDINATOR = new Probe(null);

    /**
     * The probe's value. Throws InvalidInputException when the probe is not one read-only query, fails (also when
     * the role may not read what it asks) or returns something else than one number or boolean.
     */
    public double run(Connection c, String sql) {
        String query = ProbeQuery.check(sql);
        try {
            boolean autocommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                st.execute("SET LOCAL statement_timeout = 2000");
                if (role != null) {
                    setRole(st);
                }
                try (PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
                    return value(rs);
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autocommit);
            }
        } catch (SQLException e) {
            throw new InvalidInputException("probe", "--probe failed" + (role == null ? "" : " as role " + role) + ": "
                    + SqlErrors.firstLine(e.getMessage()) + " [SQLSTATE " + e.getSQLState() + "]");
        }
    }

    private void setRole(Statement st) throws SQLException {
        try {
            st.execute("SET LOCAL ROLE " + Identifier.quote(role));
        } catch (SQLException e) {
            throw new InvalidInputException("probe", "the coordinator cannot run probes as role " + role + " (--probe-role): "
                    + SqlErrors.firstLine(e.getMessage()) + "; create it and GRANT " + Identifier.quote(role) + " TO the coordinator's role");
        }
    }

    private static double value(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            throw new InvalidInputException("probe", "--probe returned no row; it must return one number or boolean");
        }
        Object v = rs.getObject(1);
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new InvalidInputException("probe", "--probe must return a number or a boolean, got " + (v == null ? "NULL" : v.getClass().getSimpleName()));
    }
}
