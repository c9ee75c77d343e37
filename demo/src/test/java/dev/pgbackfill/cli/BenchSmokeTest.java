package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.Json;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark completes and reports every method (a smoke run: its speed is not judged here). */
class BenchSmokeTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void smallBenchmarkRunsEveryMethodAndWritesItsResults(@TempDir Path out) throws Exception {
        CliTest.Result r = CliTest.cli("bench", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("bench"),
                "--rows", "20000", "--workers", "1", "--out", out.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        Path json;
        try (var files = Files.list(out)) {
            json = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        @SuppressWarnings("unchecked") Map<String, Object> doc = Json.read(Files.readString(json), Map.class);
        @SuppressWarnings("unchecked") List<Map<String, Object>> results = (List<Map<String, Object>>) doc.get("results");
        assertThat(results).extracting(m -> ((String) m.get("method")).split(" ")[0])
                .containsExactly("seed", "single", "in-server", "Spring", "pgbackfill");
        assertThat(results).allSatisfy(m -> {
            assertThat(m.get("note")).as("rows missed or job failed").isNull();
            assertThat(((Number) m.get("rowsPerSecond")).doubleValue()).isPositive();
        });
        assertThat(r.out()).contains("| method | rows | seconds | rows/s | ÷ in-server |");
    }
}
