package dev.pgbackfill.cli;

import dev.pgbackfill.error.UnreachableException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A service started while PostgreSQL or Kafka is down waits for it instead of exiting, and {@code status --watch} rides
 * through a coordinator restart: the attempt is repeated with a growing pause (1 s, doubling, at most 30 s), one line
 * per attempt. Only "unreachable" is retried; a wrong URL, bad
 * credentials or a missing database are the operator's to fix and end at once.
 */
final class StartupRetry {
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private StartupRetry() {
    }

    /** {@code limit}: give up (exit 3) after this long; zero waits as long as it takes. */
    static <T> T until(String what, Supplier<T> attempt, Duration limit, PrintStream err) {
        long deadline = limit.isZero() ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        Duration pause = Duration.ofSeconds(1);
        while (true) {
            try {
                return attempt.get();
            } catch (UnreachableException e) {
                if (System.nanoTime() + pause.toNanos() > deadline) {
                    throw e;
                }
                err.printf(Locale.ROOT, "pgbackfill: waiting for %s: %s; trying again in %d s%n", what, e.getMessage(), pause.toSeconds());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }
}
