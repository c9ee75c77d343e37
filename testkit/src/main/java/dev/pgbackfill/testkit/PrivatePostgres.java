package dev.pgbackfill.testkit;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster that one test owns (initdb into a temporary folder, its own port), so it can crash and
 * restart it without touching the shared server. Uses the server binaries installed on the machine
 * ({@code /usr/lib/postgresql/<version>/bin}, or {@code PGBACKFILL_PG_BIN}); as root, runs them as {@code postgres}.
 */
public final class PrivatePostgres implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;

    private PrivatePostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** The server binaries, or null when none are installed (the test should then skip, saying so). */
    public static Path binaries() {
        String given = System.getenv("PGBACKFILL_PG_BIN");
        if (given != null && Files.isExecutable(Path.of(given, "pg_ctl"))) {
            return Path.of(given);
        }
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions == null) {
            return null;
        }
        return Arrays.stream(versions).filter(v -> v.getName().matches("\\d+(\\.\\d+)?"))
                .map(v -> v.toPath().resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                .max(Comparator.comparingDouble(b -> Double.parseDouble(b.getParent().getFileName().toString()))).orElse(null);
    }

    public static PrivatePostgres start() throws Exception {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("no PostgreSQL server binaries (set PGBACKFILL_PG_BIN)");
        }
        Path dir = Files.createTempDirectory("pgbf-private-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrivatePostgres pg = new PrivatePostgres(bin, dir, port);
        try {
            if (isRoot()) {
                run(List.of("chown", "postgres:postgres", dir.toString()));
            }
            pg.pg("initdb", "-D", dir.resolve("data").toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            pg.startServer();
        } catch (Exception e) {
            pg.close();
            throw e;
        }
        // a test JVM killed on a timeout must not leave a server running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception ignored) {
                // best effort
            }
        }));
        return pg;
    }

    private void startServer() throws Exception {
        pg("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60", "start", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir + " -c max_connections=100 -c fsync=on");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = DriverManager.getConnection(adminUrl())) {
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    public int port() {
        return port;
    }

    public String adminUrl() {
        return urlFor("postgres");
    }

    public String urlFor(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** Kills the server without a shutdown checkpoint (as a crash or OOM kill would), then starts it: WAL recovery. */
    public void crashAndRestart() throws Exception {
        pg("pg_ctl", "-D", dir.resolve("data").toString(), "-w", "stop", "-m", "immediate");
        startServer();
    }

    @Override
    public synchronized void close() throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
                pg("pg_ctl", "-D", dir.resolve("data").toString(), "-w", "stop", "-m", "fast");
            }
        } finally {
            run(List.of("rm", "-rf", dir.toString()));
        }
    }

    private void pg(String tool, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        File output = File.createTempFile("pgbf-private-pg", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(output.toPath()));
            }
        } finally {
            output.delete();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
