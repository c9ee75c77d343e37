package dev.pgbackfill.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A busy machine, reproducibly: one spinning thread per core, at normal priority, until closed. The bench times
 * the operator's commands under it, as on a host whose cores a database and workers keep busy.
 */
public final class CpuLoad implements AutoCloseable {
    private final List<Thread> spinners = new ArrayList<>();
    private volatile boolean running = true;

    private CpuLoad(int threads) {
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::spin, "bench-cpu-load-" + i);
            t.setDaemon(true);
            t.start();
            spinners.add(t);
        }
    }

    public static CpuLoad everyCore() {
        return new CpuLoad(Runtime.getRuntime().availableProcessors());
    }

    private void spin() {
        long x = 0;
        while (running) {
            x += System.nanoTime() % 7; // work the JIT cannot remove
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : spinners) {
            t.join();
        }
    }
}
