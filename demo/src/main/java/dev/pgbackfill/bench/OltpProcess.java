package dev.pgbackfill.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The foreground load ({@link OltpLoad}) running in a JVM of its own, started from the same jar or classpath, so the
 * latencies it records are the application's and not those of pgbackfill's JVM (whose collector pauses would stall a
 * load running beside it). {@link #measure} runs one window and calls back when it has started, so the caller can
 * measure the backfill over the same window.
 */
public final class OltpProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintStream in;
    private final Path dir;

    private OltpProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    public static OltpProcess start(HikariDataSource ds, long rows, int threads, double opsPerSecond) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("-Xmx256m");
        String classpath = System.getProperty("java.class.path");
        if (isBootJar(classpath)) { // the packaged jar: its classes are nested, so go through Spring Boot's launcher
            cmd.addAll(List.of("-cp", classpath, "-Dloader.main=" + OltpLoad.class.getName(), "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            cmd.addAll(List.of("-cp", classpath, OltpLoad.class.getName()));
        }
        cmd.addAll(List.of(ds.getJdbcUrl(), Long.toString(rows), Integer.toString(threads), Double.toString(opsPerSecond)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (ds.getUsername() != null) {
            pb.environment().put("PGBACKFILL_BENCH_USER", ds.getUsername());
        }
        if (ds.getPassword() != null) { // not on the command line, where other users could read it
            pb.environment().put("PGBACKFILL_BENCH_PASSWORD", ds.getPassword());
        }
        OltpProcess p = new OltpProcess(pb.start(), Files.createTempDirectory("pgbf-oltp"));
        p.expect("ready");
        return p;
    }

    /** Runs the load for {@code window}; {@code onStart} runs as the window begins. */
    public OltpLoad.Latencies measure(Duration window, Runnable onStart) throws IOException {
        Path file = dir.resolve("window-" + System.nanoTime() + ".bin");
        in.println("measure " + window.toMillis() + " " + file);
        expect("started");
        onStart.run();
        expect("done");
        OltpLoad.Latencies l = OltpLoad.read(file);
        Files.deleteIfExists(file);
        return l;
    }

    private void expect(String line) throws IOException {
        String got = out.readLine();
        if (!line.equals(got)) {
            throw new IOException("foreground load process: expected '" + line + "', got " + (got == null ? "end of output (exit " + exitCode() + ")" : "'" + got + "'"));
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static boolean isBootJar(String classpath) {
        if (!classpath.endsWith(".jar") || classpath.contains(java.io.File.pathSeparator)) {
            return false;
        }
        try (JarFile jar = new JarFile(classpath)) {
            return jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue("Start-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
