package dev.pgbackfill.worker.throttle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A rate shared by every worker, kept in PostgreSQL as a generic cell rate algorithm (GCRA) clock: one timestamp per
 * scope, the theoretical arrival time (TAT) of the next row. Paying for n rows moves it to
 * {@code max(tat, now) + n / rate}; the payer then waits until {@code tat - burst}. Workers in different processes see
 * the same clock, so the rate holds however many chunks run, start or end (a per-worker limiter sized by a count of
 * running chunks cannot: short chunks made that count wrong, and the rate overshot by 1.19× in ThrottleTest).
 * Resilience4j's limiter is process-local, hence this small clock of our own.
 */
final class RateClock {
    /** Rows may run ahead of the clock by this much, so batches need not queue behind each other's payments. */
    static final double BURST_SECONDS = 0.1;

    private static final String PAY = """
            INSERT INTO pgbackfill.rate_clock AS r (scope, tat)
            VALUES (?, clock_timestamp() + make_interval(secs => ?))
            ON CONFLICT (scope) DO UPDATE SET tat = greatest(r.tat, clock_timestamp()) + make_interval(secs => ?)
            RETURNING extract(epoch FROM r.tat - clock_timestamp())""";

    private final DataSource dataSource;

    RateClock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Pays for {@code rows} under {@code rate} rows/s in {@code scope}; returns how long to wait, in nanoseconds. */
    long pay(String scope, long rows, double rate) throws SQLException {
        double cost = rows / rate;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PAY)) {
            ps.setString(1, scope);
            ps.setDouble(2, cost);
            ps.setDouble(3, cost);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double ahead = rs.getDouble(1) - BURST_SECONDS;
                return ahead <= 0 ? 0 : (long) (ahead * 1e9);
            }
        }
    }
}
