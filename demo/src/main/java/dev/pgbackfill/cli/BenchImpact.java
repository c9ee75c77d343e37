package dev.pgbackfill.cli;

import dev.pgbackfill.bench.Baselines;
import dev.pgbackfill.bench.BenchTable;
import dev.pgbackfill.bench.OltpLoad;
import dev.pgbackfill.bench.OltpProcess;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/** The bench's foreground-impact section: an OLTP load's latency idle and during a throttled run, rate accuracy, pause. */
final class BenchImpact {
    private final BenchCommand b;

    BenchImpact(BenchCommand bench) {
        this.b = bench;
    }

    /**
     * Foreground impact, throttle accuracy and pause latency, on one run throttled to a fraction
     * ({@code --impact-throttle}, 25 %) of the unthrottled rate. An OLTP load (point SELECTs and UPDATEs on random
     * keys, paced at {@code --oltp-rate}, in a process of its own) is measured with the cluster up and idle, then
     * during the throttled run, then idle again once the job is paused and cancelled; the idle baseline is the quieter
     * of the two idle windows, so a stall in one of them cannot flatter the run. Over the busy window the
     * achieved rate is compared with its target; then the time until the pause barrier returns is measured, and no
     * batch may commit after it. Autovacuum is off for the table meanwhile, so that it does not land in one window
     * and not the other. (Alternating short idle and busy windows by pausing and resuming was tried: every resume
     * restarts chunks, and those restarts, not the steady run, then dominate the busy windows.)
     */
    Map<String, Object> measure(BenchTable table, DataSource ds, double unthrottled, PrintStream err) throws Exception {
        table.reset();
        Duration window = Duration.ofSeconds(Math.max(6, Math.min(20, b.rows / 200_000)));
        Duration half = window.dividedBy(2);
        double target = Math.max(100, Math.round(unthrottled * b.impactThrottle));
        ThrottleSettings throttle = new ThrottleSettings(target, null, null, null, null, null, null, null, null, null, null, null);
        table.autovacuum(false);
        try (LocalCluster cluster = LocalCluster.start((com.zaxxer.hikari.HikariDataSource) ds, b.kafka, b.db, 2, err);
             OltpProcess oltp = OltpProcess.start((com.zaxxer.hikari.HikariDataSource) ds, b.rows, b.oltpThreads, b.oltpRate)) {
            Thread.sleep(3_000); // the cluster's consumers join their group and settle before anything is measured
            OltpLoad.Latencies idleBefore = oltp.measure(half, () -> { });
            long id = cluster.coordinator.launch(BackfillSpec.on(BenchTable.NAME).set("b = a + 1").throttle(throttle).build(), "bench");
            while (cluster.coordinator.status(id).rowsDone() == 0) {
                Thread.sleep(5);
            }
            Thread.sleep(1_000); // past the first second: shares settle as chunks start
            long[] start = new long[3];
            OltpLoad.Latencies busy = oltp.measure(window, () -> {
                try {
                    start[0] = cluster.coordinator.status(id).rowsDone();
                    start[1] = System.nanoTime();
                    start[2] = Baselines.walPosition(ds);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long rows1 = cluster.coordinator.status(id).rowsDone();
            double busySeconds = (System.nanoTime() - start[1]) / 1e9;
            double walMbPerSecond = (Baselines.walPosition(ds) - start[2]) / busySeconds / (1 << 20);
            double achieved = (rows1 - start[0]) / busySeconds;
            Pause pause = pause(cluster, id);
            cluster.coordinator.cancel(id, "bench", "measured");
            OltpLoad.Latencies idleAfter = oltp.measure(half, () -> { });
            return report(new Windows(idleBefore, idleAfter, busy), target, achieved, walMbPerSecond, pause.seconds(), pause.rowsAfter(), err);
        } finally {
            table.autovacuum(true);
        }
    }

    /** How long the pause barrier took to return, and how many rows committed in the second after it (none may). */
    private record Pause(double seconds, long rowsAfter) {
    }

    private static Pause pause(LocalCluster cluster, long id) throws InterruptedException {
        long p0 = System.nanoTime();
        cluster.coordinator.pause(id, "bench", "pause latency");
        double seconds = (System.nanoTime() - p0) / 1e9;
        long atPause = cluster.coordinator.status(id).rowsDone();
        Thread.sleep(1_000);
        return new Pause(seconds, cluster.coordinator.status(id).rowsDone() - atPause);
    }

    /** The latencies of the three windows; the baseline is the quieter idle one. */
    private record Windows(OltpLoad.Latencies idleBefore, OltpLoad.Latencies idleAfter, OltpLoad.Latencies busy) {
        /** A stall in one idle window (a checkpoint after the run's WAL) must not make the run look gentle. */
        OltpLoad.Latencies idle() {
            return idleBefore.p99Ms() <= idleAfter.p99Ms() ? idleBefore : idleAfter;
        }
    }

    private Map<String, Object> report(Windows w, double target, double achieved, double walMbPerSecond, double pauseSeconds, long afterPause,
                                       PrintStream err) {
        OltpLoad.Latencies idle = w.idle();
        OltpLoad.Latencies busy = w.busy();
        OltpLoad.Latencies idleBefore = w.idleBefore();
        OltpLoad.Latencies idleAfter = w.idleAfter();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b.oltpThreads", b.oltpThreads);
        m.put("oltpPaceOpsPerSecond", b.oltpRate);
        m.put("oltpIdleOpsPerSecond", idle.opsPerSecond());
        m.put("oltpDuringOpsPerSecond", busy.opsPerSecond());
        m.put("oltpIdleP50Ms", idle.p50Ms());
        m.put("oltpIdleP99Ms", idle.p99Ms());
        m.put("oltpIdleBeforeP99Ms", idleBefore.p99Ms());
        m.put("oltpIdleAfterP99Ms", idleAfter.p99Ms());
        m.put("oltpDuringP50Ms", busy.p50Ms());
        m.put("oltpDuringP99Ms", busy.p99Ms());
        m.put("oltpIdleReadP99Ms", idle.readP99Ms());
        m.put("oltpIdleWriteP99Ms", idle.writeP99Ms());
        m.put("oltpDuringReadP99Ms", busy.readP99Ms());
        m.put("oltpDuringWriteP99Ms", busy.writeP99Ms());
        m.put("p99Ratio", busy.p99Ms() / idle.p99Ms());
        m.put("p50Ratio", busy.p50Ms() / idle.p50Ms());
        m.put("walMbPerSecondDuring", walMbPerSecond);
        m.put("throttleTarget", target);
        m.put("throttleAchieved", achieved);
        m.put("throttleAccuracy", achieved / target);
        m.put("pauseSeconds", pauseSeconds);
        m.put("rowsCommittedAfterPause", afterPause);
        err.printf(Locale.ROOT, "  impact: OLTP (%s) p99 %.2f ms idle (the quieter of %.2f before, %.2f after), %.2f ms during a run throttled to %.0f rows/s "
                        + "(×%.2f; p50 ×%.2f; reads p99 %.2f → %.2f ms, writes p99 %.2f → %.2f ms); %.0f ops/s idle, %.0f during; WAL %.1f MB/s during; "
                        + "achieved %.0f rows/s (accuracy %.3f); pause returned in %.3f s, %d rows committed after it%n",
                b.oltpLoad(),
                idle.p99Ms(), idleBefore.p99Ms(), idleAfter.p99Ms(), busy.p99Ms(), target, busy.p99Ms() / idle.p99Ms(), busy.p50Ms() / idle.p50Ms(),
                idle.readP99Ms(), busy.readP99Ms(), idle.writeP99Ms(), busy.writeP99Ms(), idle.opsPerSecond(), busy.opsPerSecond(), walMbPerSecond,
                achieved, achieved / target, pauseSeconds, afterPause);
        return m;
    }
}
