package dev.pgbackfill.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.job.Json;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The metadata IDEs complete {@code pgbackfill.*} from: every property, each with a description and its default. */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyHasADescriptionAndTheDefaultsTheCodeUses() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = Json.MAPPER.readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        metadata.get("properties").forEach(p -> byName.put(p.get("name").asString(), p));

        assertThat(byName).containsKeys("pgbackfill.enabled", "pgbackfill.url", "pgbackfill.token", "pgbackfill.lock-timeout",
                "pgbackfill.statement-timeout", "pgbackfill.datasource.url", "pgbackfill.datasource.pool-size", "pgbackfill.kafka.bootstrap-servers",
                "pgbackfill.kafka.topic", "pgbackfill.worker.enabled", "pgbackfill.worker.threads", "pgbackfill.worker.lease",
                "pgbackfill.coordinator.enabled");
        byName.forEach((name, p) -> {
            if (name.startsWith("pgbackfill.")) {
                assertThat(p.has("description")).as(name + " has a description").isTrue();
            }
        });
        assertThat(byName.get("pgbackfill.kafka.topic").get("defaultValue").asString()).isEqualTo(ChunkTopic.DEFAULT_NAME);
        assertThat(byName.get("pgbackfill.kafka.group").get("defaultValue").asString()).isEqualTo(ChunkTopic.DEFAULT_GROUP);
        assertThat(byName.get("pgbackfill.kafka.partitions").get("defaultValue").asInt()).isEqualTo(ChunkTopic.DEFAULT_PARTITIONS);
        assertThat(byName.get("pgbackfill.lock-timeout").get("defaultValue").asString()).isEqualTo("2s");
    }
}
