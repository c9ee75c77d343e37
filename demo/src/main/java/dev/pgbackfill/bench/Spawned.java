package dev.pgbackfill.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A pgbackfill command in a process of its own, as an operator starts it: its wall time, the lines it prints
 * (stdout and stderr together) and its memory as the kernel counts it (Linux {@code /proc}).
 */
public final class Spawned implements AutoCloseable {
    private final Process process;
    private final long startedNanos;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private Spawned(Process process, long startedNanos) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.reader = Thread.ofVirtual().start(this::readLines);
    }

    /** Starts {@code command} with {@code env} added to this process's environment. */
    public static Spawned start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        return new Spawned(pb.start(), t0);
    }

    /** Runs {@code command} to its end; returns its wall seconds, or throws with its output when it exits non-zero. */
    public static double run(List<String> command, Map<String, String> env, Duration limit) throws IOException, InterruptedException {
        try (Spawned p = start(command, env)) {
            int exit = p.await(limit);
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exit + ": " + p.output());
            }
            return p.seconds();
        }
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended: what it printed so far is all there is
        }
    }

    /** Waits for a line that {@code ready} accepts; returns the seconds since the start. */
    public double awaitLine(Predicate<String> ready, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (lines) {
            while (lines.stream().noneMatch(ready)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new IllegalStateException("no such line within " + limit.toSeconds() + " s; it printed: " + output());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 100_000_000L))));
            }
        }
        return seconds();
    }

    /** Waits for the exit; returns the exit code. */
    public int await(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("still running after " + limit.toSeconds() + " s; it printed: " + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    public double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /**
     * Resident memory in MB of this process or, when it is a launcher script, of the JVM it became ({@code exec}):
     * {@code VmRSS} now and {@code VmHWM}, the peak so far. Null where {@code /proc} is not there.
     */
    public Memory memory() {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"));
            return new Memory(kb(status, "VmRSS:") / 1024.0, kb(status, "VmHWM:") / 1024.0);
        } catch (IOException e) {
            return null;
        }
    }

    private static long kb(List<String> status, String field) {
        return status.stream().filter(l -> l.startsWith(field)).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
    }

    /** Resident set now and its peak, in MB. */
    public record Memory(double rssMb, double peakMb) {
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, as an orchestrator stops it; SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
