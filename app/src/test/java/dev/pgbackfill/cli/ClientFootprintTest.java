package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A client command is a JVM of a fraction of a second: it loads no Spring context, no Kafka client and no pool. */
class ClientFootprintTest {
    @ParameterizedTest
    @ValueSource(strings = {"status 1 --url http://127.0.0.1:1 --token x", "pause 1 --url http://127.0.0.1:1 --token x",
            "throttle 1 --rate 5 --url http://127.0.0.1:1 --token x", "launch --table t --set n=1 --url http://127.0.0.1:1 --token x",
            "migrate check --examples", "migrate sql --examples heads", "migrate heads --examples"})
    void aClientCommandLoadsNoSpringKafkaOrPoolClass(String command) throws Exception {
        List<String> java = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        java.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(java).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(out).contains("picocli.CommandLine ");
        assertThat(out.lines().filter(l -> l.contains("org.springframework.") || l.contains("org.apache.kafka.") || l.contains("com.zaxxer.hikari.")))
                .isEmpty();
    }
}
