package dev.pgbackfill.testkit;

import dev.pgbackfill.embedded.EmbeddedKafka;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Kafka broker (in-JVM, KRaft) shared by all tests of a JVM; each test takes unique topic and group names
 * so tests never see each other's records.
 */
public final class TestKafka {
    private static EmbeddedKafka broker;
    private static final AtomicInteger SEQ = new AtomicInteger();

    private TestKafka() {
    }

    public static synchronized String bootstrap() {
        if (broker == null) {
            long t0 = System.nanoTime();
            broker = EmbeddedKafka.start(0, 4);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
            System.err.printf("[testkit] Kafka: in-JVM KRaft broker at %s (started in %d ms)%n", broker.bootstrap(), (System.nanoTime() - t0) / 1_000_000);
        }
        return broker.bootstrap();
    }

    /** A topic or group name no other test uses. */
    public static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
    }
}
