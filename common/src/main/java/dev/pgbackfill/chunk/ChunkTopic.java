package dev.pgbackfill.chunk;

import dev.pgbackfill.error.UnreachableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The chunk-request topic and the client settings for it. */
public record ChunkTopic(String bootstrap, String name, int partitions, String group) {
    public static final String DEFAULT_NAME = "pgbackfill.chunks";
    public static final String DEFAULT_GROUP = "pgbackfill-workers";
    public static final int DEFAULT_PARTITIONS = 12;

    public static ChunkTopic of(String bootstrap) {
        return new ChunkTopic(bootstrap, DEFAULT_NAME, DEFAULT_PARTITIONS, DEFAULT_GROUP);
    }

    /** Creates the topic if it does not exist; fails with exit code 3 when the broker cannot be reached. */
    public void ensureExists() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(p)) {
            if (admin.listTopics().names().get(15, TimeUnit.SECONDS).contains(name)) {
                // a broker with auto-creation on may have created it with its default partition count (e.g. after
                // losing its data): fewer partitions than asked for would leave workers idle
                int now = admin.describeTopics(List.of(name)).allTopicNames().get(15, TimeUnit.SECONDS).get(name).partitions().size();
                if (now < partitions) {
                    admin.createPartitions(java.util.Map.of(name, org.apache.kafka.clients.admin.NewPartitions.increaseTo(partitions)))
                            .all().get(15, TimeUnit.SECONDS);
                }
                return;
            }
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw unreachable(e.getCause());
            }
        } catch (TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    private UnreachableException unreachable(Throwable e) {
        return new UnreachableException("cannot reach Kafka at " + bootstrap + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                + "); check --kafka / PGBACKFILL_KAFKA", e);
    }

    public Map<String, Object> producerProps() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                // a broker that comes back at the bootstrap address with a new identity is found again
                CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "rebootstrap");
    }

    public Map<String, Object> consumerProps(String clientId, int maxPollRecords) {
        return Map.ofEntries(
                Map.entry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Map.entry(ConsumerConfig.GROUP_ID_CONFIG, group),
                Map.entry(ConsumerConfig.CLIENT_ID_CONFIG, clientId),
                Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class),
                Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class),
                Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords),
                // The lease in PostgreSQL, not the poll interval, decides who owns a chunk; requests are
                // committed as soon as they are claimed, so a slow chunk never gets the consumer evicted.
                Map.entry(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofMinutes(5).toMillis()),
                // A dead worker keeps its partitions until its session times out; requests republished there wait
                // that long. 10 s (Kafka's default is 45 s) bounds the delay; the consumer thread polls every 200 ms.
                Map.entry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000),
                Map.entry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000),
                // after a broker restart that lost the topic, find it again soon once the coordinator recreates it
                Map.entry(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000),
                // only the coordinator creates the topic, with the partitions workers need
                Map.entry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                Map.entry(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "rebootstrap"));
    }
}
