package dev.pgbackfill.cli;

import java.util.concurrent.CountDownLatch;

/** For the long-running services: block until the JVM is asked to stop (SIGTERM, Ctrl-C), then close in order. */
final class Shutdown {
    private Shutdown() {
    }

    /** Closes {@code resources} in the order given when the JVM shuts down; returns once they are closed. */
    static void awaitThenClose(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable r : resources) {
                if (r == null) {
                    continue;
                }
                try {
                    r.close();
                } catch (Exception e) {
                    System.err.println("pgbackfill: while stopping: " + e);
                }
            }
            closed.countDown();
        }, "pgbackfill-shutdown"));
        closed.await();
    }
}
