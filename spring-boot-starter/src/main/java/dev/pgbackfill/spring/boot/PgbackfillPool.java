package dev.pgbackfill.spring.boot;

import com.zaxxer.hikari.HikariDataSource;

/**
 * pgbackfill's own connection pool, wrapped so that it is not a second {@code DataSource} bean: the application's
 * DataSource stays the single candidate its JdbcTemplate, JPA and transaction manager are configured from. Define a
 * bean of this type to give pgbackfill a pool of your own (it must set lock_timeout and statement_timeout on every
 * connection, as {@code Database.open} does).
 */
public record PgbackfillPool(HikariDataSource dataSource) implements AutoCloseable {
    @Override
    public void close() {
        dataSource.close();
    }
}
