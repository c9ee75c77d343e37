package dev.pgbackfill.embedded;

import java.util.HashMap;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single-node KRaft Kafka broker inside this JVM. For {@code demo}, {@code run} without {@code --kafka}, a
 * coordinator on a machine without Kafka, and tests. It keeps nothing across restarts: never use it in production.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final EmbeddedKafkaKraftBroker broker;
    private final PortForwarder forwarder;
    private final String bootstrap;

    private EmbeddedKafka(EmbeddedKafkaKraftBroker broker, PortForwarder forwarder, String bootstrap) {
        this.broker = broker;
        this.forwarder = forwarder;
        this.bootstrap = bootstrap;
    }

    /** Starts a broker on {@code port} (0 = any free port). Takes a few seconds. */
    public static EmbeddedKafka start(int port, int partitions) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        Map<String, String> props = new HashMap<>(Map.of(
                "auto.create.topics.enable", "false",
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "4",
                "log.flush.interval.messages", "1000000"));
        broker.brokerProperties(props);
        // Kafka's storage formatter prints its bootstrap metadata to System.out: noise for an operator (a failure is an
        // exception all the same), and stdout is kept for the command's own results
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            broker.afterPropertiesSet();
        } finally {
            System.setOut(stdout);
        }
        if (port <= 0) {
            return new EmbeddedKafka(broker, null, broker.getBrokersAsString());
        }
        // spring-kafka-test 4.1's kafkaPorts() is ignored by the KRaft broker: forward the requested port instead.
        int real = Integer.parseInt(broker.getBrokersAsString().replaceAll(".*:", ""));
        try {
            return new EmbeddedKafka(broker, new PortForwarder(port, real), "127.0.0.1:" + port);
        } catch (RuntimeException e) {
            broker.destroy();
            throw e;
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        if (forwarder != null) {
            forwarder.close();
        }
        broker.destroy();
    }
}
