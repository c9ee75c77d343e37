package dev.pgbackfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test kit gives real services: a PostgreSQL server answering SQL and a Kafka broker with consumer groups. */
class TestKitTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void databaseIsARealPostgresqlOfItsOwn() {
        assertThat(db.queryString("SELECT version()")).startsWith("PostgreSQL ");
        assertThat(db.queryString("SELECT current_database()")).isEqualTo(db.name()).startsWith("pgbf_t_testkittest_");
        db.exec("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10)");
        assertThat(db.queryLong("SELECT sum(id) FROM t")).isEqualTo(55);
    }

    @Test
    void fingerprintChangesWithDataAndNotWithoutIt() {
        db.exec("CREATE TABLE fp (id int PRIMARY KEY, v text); INSERT INTO fp VALUES (1, 'a')");
        String before = db.fingerprint();
        assertThat(db.fingerprint()).isEqualTo(before);
        db.exec("UPDATE fp SET v = 'b'");
        assertThat(db.fingerprint()).isNotEqualTo(before);
    }

    @Test
    void brokerSharesATopicBetweenTwoConsumersOfOneGroup() throws Exception {
        String topic = TestKafka.unique("kit");
        String group = TestKafka.unique("kit-group");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        Map<String, Object> consumerProps = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> a = new KafkaConsumer<>(consumerProps);
             KafkaConsumer<String, String> b = new KafkaConsumer<>(consumerProps);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((a.assignment().isEmpty() || b.assignment().isEmpty()) && System.nanoTime() < until) {
                a.poll(Duration.ofMillis(100));
                b.poll(Duration.ofMillis(100));
            }
            assertThat(a.assignment()).hasSize(1);
            assertThat(b.assignment()).hasSize(1);
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k", "p" + p + "-" + i)).get();
                }
            }
            List<String> seenByA = new ArrayList<>();
            List<String> seenByB = new ArrayList<>();
            while (seenByA.size() + seenByB.size() < 10 && System.nanoTime() < until) {
                for (ConsumerRecord<String, String> r : a.poll(Duration.ofMillis(100))) {
                    seenByA.add(r.value());
                }
                for (ConsumerRecord<String, String> r : b.poll(Duration.ofMillis(100))) {
                    seenByB.add(r.value());
                }
            }
            assertThat(seenByA).hasSize(5);
            assertThat(seenByB).hasSize(5);
            Set<String> all = new HashSet<>(seenByA);
            all.addAll(seenByB);
            assertThat(all).hasSize(10);
        }
    }
}
