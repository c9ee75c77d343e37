package dev.pgbackfill.cli;

import dev.pgbackfill.chunk.ChunkTopic;
import picocli.CommandLine.Option;

public final class KafkaOptions {
    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", defaultValue = "${env:PGBACKFILL_KAFKA}",
            description = "Kafka bootstrap servers, e.g. kafka:9092 (env PGBACKFILL_KAFKA).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = ChunkTopic.DEFAULT_NAME, description = "Chunk request topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--partitions", defaultValue = "" + ChunkTopic.DEFAULT_PARTITIONS,
            description = "Partitions when the topic is created (default ${DEFAULT-VALUE}); more partitions allow more workers.")
    int partitions;

    boolean given() {
        return bootstrap != null && !bootstrap.isBlank();
    }

    ChunkTopic topic(String bootstrap) {
        return new ChunkTopic(bootstrap, topic, partitions, ChunkTopic.DEFAULT_GROUP);
    }
}
