package dev.pgbackfill.cli;

import dev.pgbackfill.db.DbConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the target database is, and the guard rails for every statement. */
public final class DbOptions {
    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:PGBACKFILL_DB_URL}",
            description = "Target database, e.g. jdbc:postgresql://host:5432/app (env PGBACKFILL_DB_URL).")
    String url;

    @Option(names = "--db-user", defaultValue = "${env:PGBACKFILL_DB_USER}", description = "Database user (env PGBACKFILL_DB_USER).")
    String user;

    @Option(names = "--db-password", defaultValue = "${env:PGBACKFILL_DB_PASSWORD}", description = "Database password (env PGBACKFILL_DB_PASSWORD).")
    String password;

    @Option(names = "--lock-timeout-ms", defaultValue = "2000", description = "lock_timeout of every statement (default ${DEFAULT-VALUE}).")
    long lockTimeoutMs;

    @Option(names = "--statement-timeout-ms", defaultValue = "30000", description = "statement_timeout of every statement (default ${DEFAULT-VALUE}).")
    long statementTimeoutMs;

    boolean given() {
        return url != null && !url.isBlank();
    }

    DbConfig config(String url) {
        return new DbConfig(url, user, password, Duration.ofMillis(lockTimeoutMs), Duration.ofMillis(statementTimeoutMs));
    }
}
