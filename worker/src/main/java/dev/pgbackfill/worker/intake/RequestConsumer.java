package dev.pgbackfill.worker.intake;

import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.ChunkTopic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Kafka loop in the workers' consumer group. It hands each request to the {@link Intake} and commits
 * the offset once the intake took it (the lease, not Kafka, protects the chunk from then on); it pauses its
 * partitions while the intake is full, so it keeps polling and is never evicted by {@code max.poll.interval.ms}.
 * A consumer that fails (a broker gone and back with a new identity, a commit refused after a rebalance) is
 * replaced after a growing pause, never left dead: leases decide who runs a chunk, and a repeated request is a no-op.
 */
public final class RequestConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestConsumer.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    /** Where requests go. */
    public interface Intake {
        /** Whether a runner is free to take a request now. */
        boolean hasRoom();

        /** Takes a request; false when it could not be taken now (it is read again later). */
        boolean take(ChunkRequest request);

        /** Called on every poll, e.g. for the worker's heartbeat. */
        void onPoll();

        /**
         * Called after a poll that brought nothing while a runner is free: the moment to take work whose request
         * Kafka gave another consumer (queued behind its busy runners).
         */
        void onIdle();
    }

    private final String id;
    private final ChunkTopic topic;
    private final int threads;
    private final Intake intake;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile long backoffMs = 1_000;

    public RequestConsumer(String id, ChunkTopic topic, int threads, Intake intake) {
        this.id = id;
        this.topic = topic;
        this.threads = threads;
        this.intake = intake;
        this.thread = new Thread(this::consume, "pgbackfill-consumer-" + id);
    }

    public void start() {
        thread.start();
    }

    /** Polls again at once (a runner is free): the next request is taken now, not after the poll times out. */
    public void wakeup() {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void consume() {
        while (!stopping) {
            try {
                consumeUntilStopped();
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                log.warn("worker {}: Kafka consumer failed ({}); a new one starts in {} ms", id, e.toString(), backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException interrupted) {
                    return; // close() interrupts the pause
                }
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private void consumeUntilStopped() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(topic.consumerProps(id, threads))) {
            consumer = c;
            c.subscribe(List.of(topic.name()));
            boolean paused = false;
            while (!stopping) {
                intake.onPoll();
                paused = pauseWhileFull(c, paused);
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(Duration.ofMillis(200));
                    backoffMs = 1_000; // this consumer works: a later failure starts the backoff afresh
                } catch (WakeupException e) {
                    continue; // a runner finished (or the worker is stopping: the loop condition decides)
                }
                if (!records.isEmpty()) {
                    commit(c, hand(c, records));
                } else if (!stopping && intake.hasRoom()) {
                    intake.onIdle();
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e; // woken outside shutdown: start a new consumer
            }
        } finally {
            consumer = null;
        }
    }

    private boolean pauseWhileFull(KafkaConsumer<String, byte[]> c, boolean paused) {
        boolean full = !intake.hasRoom();
        if (full && !paused) {
            c.pause(c.assignment());
        } else if (!full && paused) {
            c.resume(c.paused());
        }
        return full;
    }

    /** Hands records to the intake in order per partition; returns the offsets to commit for those taken. */
    private Map<TopicPartition, OffsetAndMetadata> hand(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> taken = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                if (stopping || !intake.hasRoom() || !take(r)) {
                    c.seek(tp, r.offset()); // not taken: read it again when a runner is free
                    break;
                }
                taken.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        return taken;
    }

    private boolean take(ConsumerRecord<String, byte[]> record) {
        ChunkRequest request;
        try {
            request = ChunkRequest.fromBytes(record.value());
        } catch (RuntimeException e) {
            log.warn("worker {}: ignoring malformed record at {}-{}@{}", id, record.topic(), record.partition(), record.offset());
            return true;
        }
        return intake.take(request);
    }

    /**
     * Commits the taken requests' offsets. A runner finishing meanwhile calls wakeup(), which commitSync reports
     * as a WakeupException too: that is not a shutdown, so the commit is simply retried.
     */
    private void commit(KafkaConsumer<String, byte[]> c, Map<TopicPartition, OffsetAndMetadata> done) {
        while (!done.isEmpty()) {
            try {
                c.commitSync(done);
                return;
            } catch (WakeupException e) {
                if (stopping) {
                    throw e;
                }
            } catch (KafkaException e) {
                // the group moved on (a rebalance in progress, a commit refused after one, a broker restart): these
                // requests may be delivered again, and a claimed or finished chunk makes a repeat a no-op
                log.warn("worker {}: offsets not committed ({}); their requests may come again and will be dropped", id, e.toString());
                return;
            }
        }
    }

    /** Stops polling; waits up to 30 s for the loop to end. */
    @Override
    public void close() {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        } else {
            thread.interrupt(); // pausing before a new consumer: stop now
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
