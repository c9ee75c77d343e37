package dev.pgbackfill.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A private PostgreSQL server started from binaries shipped in a Maven artifact (zonky). For {@code demo},
 * {@code run} without {@code --db}, and tests on machines without a local server. Data is thrown away on close.
 */
public final class EmbeddedPg implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedPg(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPg start() {
        try {
            return new EmbeddedPg(EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** JDBC URL of database {@code name} as the superuser {@code postgres}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + name + "?user=postgres";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
