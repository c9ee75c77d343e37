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

    public ChunkPublisher(ChunkTopic topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(topic.producerProps());
    }

    /** Publishes all requests; returns those the broker acknowledged (the others are retried by the monitor). */
    public List<ChunkRequest> publish(List<ChunkRequest> requests) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(requests.size());
        for (ChunkRequest r : requests) {
            sent.add(producer.send(new ProducerRecord<>(topic.name(), r.key(), r.toBytes())));
        }
        producer.flush();
        List<ChunkRequest> acked = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            try {
                sent.get(i).get();
                acked.add(requests.get(i));
            } catch (ExecutionException e) {
                // left unpublished in PostgreSQL: the monitor publishes it again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return acked;
    }

    @Override
    public void close() {
        producer.close();
    }
}
