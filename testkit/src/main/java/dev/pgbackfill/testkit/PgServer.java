package dev.pgbackfill.testkit;

import dev.pgbackfill.embedded.EmbeddedPg;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The PostgreSQL server tests run against, chosen once per JVM: {@code PGBACKFILL_TEST_DB_URL} (a JDBC URL to any
 * database on the server, with a role that may create databases), else the local server on 127.0.0.1:5432 when it
 * answers, else an embedded PostgreSQL, else a Testcontainers container when Docker is there. The version matrix
 * ({@code scripts/pg-matrix}) sets {@code pgbackfill.test.pg=embedded}: then always the embedded server, whose version
 * is the zonky binaries' on the class path ({@code -Dpg.version}).
 */
public final class PgServer {
    private static PgServer instance;

    private final String adminUrl;
    private final String kind;

    private PgServer(String adminUrl, String kind) {
        this.adminUrl = adminUrl;
        this.kind = kind;
    }

    public static synchronized PgServer get() {
        if (instance == null) {
            instance = choose();
            System.err.println("[testkit] PostgreSQL: " + instance.kind + " (" + instance.adminUrl.replaceAll("password=[^&]*", "password=***") + ")");
        }
        return instance;
    }

    private static PgServer choose() {
        String env = System.getenv("PGBACKFILL_TEST_DB_URL");
        boolean embeddedOnly = "embedded".equals(System.getProperty("pgbackfill.test.pg"));
        if (!embeddedOnly && env != null && !env.isBlank()) {
            return new PgServer(env, "PGBACKFILL_TEST_DB_URL");
        }
        String local = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&connectTimeout=2";
        if (!embeddedOnly && answers(local)) {
            return new PgServer(local, "local server 127.0.0.1:5432");
        }
        try {
            EmbeddedPg pg = EmbeddedPg.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
            return new PgServer(pg.url("postgres"), "embedded PostgreSQL " + serverVersion(pg.url("postgres")));
        } catch (RuntimeException embeddedFailed) {
            if (embeddedOnly) {
                throw embeddedFailed; // the matrix asked for this version: another server would hide its failure
            }
            return Containers.start().orElseThrow(() -> new IllegalStateException(
                    "no PostgreSQL for tests: 127.0.0.1:5432 does not answer, embedded PostgreSQL failed ("
                            + embeddedFailed.getMessage() + ") and Docker is not available; set PGBACKFILL_TEST_DB_URL", embeddedFailed));
        }
    }

    private static String serverVersion(String url) {
        try (Connection c = DriverManager.getConnection(url, new Properties())) {
            return c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return "(version unknown: " + e.getMessage() + ")";
        }
    }

    static boolean answers(String url) {
        try (Connection c = DriverManager.getConnection(url, new Properties())) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** JDBC URL of another database on the same server, same credentials. */
    public String urlFor(String database) {
        return adminUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
    }

    public String adminUrl() {
        return adminUrl;
    }

    /** Testcontainers, only touched when Docker is available (kept in its own class so it loads lazily). */
    static final class Containers {
        static java.util.Optional<PgServer> start() {
            try {
                if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                    return java.util.Optional.empty();
                }
                var c = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17");
                c.start();
                String url = c.getJdbcUrl() + (c.getJdbcUrl().contains("?") ? "&" : "?") + "user=" + c.getUsername() + "&password=" + c.getPassword();
                return java.util.Optional.of(new PgServer(url, "Testcontainers postgres:17"));
            } catch (Throwable t) {
                return java.util.Optional.empty();
            }
        }
    }
}
