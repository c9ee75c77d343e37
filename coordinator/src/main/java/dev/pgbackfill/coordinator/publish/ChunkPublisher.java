package dev.pgbackfill.coordinator.publish;

import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.ChunkTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Sends chunk requests to the chunk topic and waits for the broker's acknowledgement. */
public final class ChunkPublisher implements AutoCloseable {
    private final ChunkTopic topic;
    private final Producer<String, byte[]> producer;
    private long lastTopicCheck;

    public ChunkPublisher(ChunkTopic topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(topic.producerProps());
        // Fetch the topic's metadata now, in the background, so the first launch does not wait for it (about a tenth
        // of a second); a broker that is down only makes this thread wait, and the first publish then retries.
        Thread.ofVirtual().name("chunk-publisher-warmup").start(() -> {
            try {
                producer.partitionsFor(topic.name());
            } catch (RuntimeException e) {
                // not reachable yet: publish() deals with it
            }
        });
    }

    /** Publishes all requests; returns those the broker acknowledged (the others are retried by the monitor). */
    public List<ChunkRequest> publish(List<ChunkRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        // One request first: when the topic is gone (a broker back without its data) every send would block for
        // max.block.ms; one failure is enough to recreate the topic and leave the rest to the next round.
        try {
            producer.send(new ProducerRecord<>(topic.name(), requests.get(0).key(), requests.get(0).toBytes())).get();
        } catch (ExecutionException | RuntimeException e) {
            recreateTopicIfGone();
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(requests.size());
        for (ChunkRequest r : requests.subList(1, requests.size())) {
            sent.add(producer.send(new ProducerRecord<>(topic.name(), r.key(), r.toBytes())));
        }
        producer.flush();
        List<ChunkRequest> acked = new ArrayList<>(requests.size());
        acked.add(requests.get(0));
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get();
                acked.add(requests.get(i + 1));
            } catch (ExecutionException e) {
                // left unpublished in PostgreSQL: the monitor publishes it again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (acked.size() < requests.size()) {
            recreateTopicIfGone();
        }
        return acked;
    }

    /**
     * A broker that restarted without its data (or a new cluster behind the same address) no longer has the
     * topic; creating it again lets the monitor's next round publish. At most every 10 s; failures are left to
     * the next round.
     */
    private void recreateTopicIfGone() {
        long now = System.nanoTime();
        if (lastTopicCheck != 0 && now - lastTopicCheck < java.util.concurrent.TimeUnit.SECONDS.toNanos(10)) {
            return;
        }
        lastTopicCheck = now;
        try {
            topic.ensureExists();
        } catch (RuntimeException e) {
            // Kafka still unreachable: the monitor retries
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
