package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.api.ApiTokens;
import dev.pgbackfill.coordinator.api.CoordinatorApplication;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.error.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.pgbackfill.coordinator.api.MigrationCatalog;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Run the coordinator: REST API (/api), dashboard (/), Prometheus (/actuator/prometheus), planning and monitoring.",
        footer = {"%nTokens: PGBACKFILL_OPERATOR_TOKEN and PGBACKFILL_VIEWER_TOKEN (comma-separated for several), and/or",
                "pgbackfill.tokens.operator / pgbackfill.tokens.viewer lists in ./application.yml;",
                "without any, random tokens are generated and printed once.",
                "With --migrations/--jar/--examples the dashboard and /api/migrations show those revisions' state.",
                "%nExample:%n  pgbackfill coordinator --db jdbc:postgresql://db/app --kafka kafka:9092 --port 8080 --migrations db/migrations"})
public final class CoordinatorCommand implements Callable<Integer> {
    @Mixin
    DbOptions db;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--embedded-kafka-port", defaultValue = "9092",
            description = "Port of the in-JVM Kafka broker started when --kafka is absent (default ${DEFAULT-VALUE}).")
    int embeddedKafkaPort;

    @Option(names = "--verbose", description = "Debug logs and stack traces.")
    boolean verbose;

    @Option(names = "--probe-role", paramLabel = "ROLE", defaultValue = "${env:PGBACKFILL_PROBE_ROLE}",
            description = "Run jobs' custom health probes as this role (SET LOCAL ROLE, in a READ ONLY transaction), so a probe can read "
                    + "only what that role was granted; the coordinator's role must be a member of it. Env PGBACKFILL_PROBE_ROLE.")
    String probeRole;

    @Option(names = "--no-split", description = "Keep chunks as planned: never split a running chunk for an idle worker thread.")
    boolean noSplit;

    @Mixin
    MigrationSources migrations;

    @Override
    public Integer call() throws Exception {
        if (!db.given()) {
            throw new InvalidInputException("db", "the coordinator needs --db (or PGBACKFILL_DB_URL): the database whose tables it backfills");
        }
        RevisionGraph revisions = migrations.graphIfGiven(); // a bad revision set is refused before anything starts
        LocalServices local = kafka.given() ? null : LocalServices.require("--kafka");
        ApiTokens tokens = tokens();
        HikariDataSource dataSource = Database.open(db.config(db.url), 8, "coordinator");
        ControlSchema.install(dataSource);
        LocalServices.Service embedded = null;
        String bootstrap = kafka.bootstrap;
        if (!kafka.given()) {
            embedded = local.kafka(embeddedKafkaPort, kafka.partitions);
            bootstrap = embedded.address();
            System.err.println("pgbackfill: no --kafka given: started an in-JVM Kafka broker at " + bootstrap
                    + " (workers on this machine: --kafka " + bootstrap + "); not for production");
        }
        ChunkTopic topic = kafka.topic(bootstrap);
        topic.ensureExists();
        ChunkPublisher publisher = new ChunkPublisher(topic);
        Coordinator coordinator = new Coordinator(dataSource, publisher, (noSplit ? CoordinatorSettings.defaults().withoutSplits() : CoordinatorSettings.defaults()).withProbeRole(probeRole));
        coordinator.start();
        ConfigurableApplicationContext web = CoordinatorApplication.start(coordinator, tokens, port, Map.of(),
                new MigrationCatalog(dataSource, revisions, migrations.scope));
        System.err.println("pgbackfill: coordinator ready on http://127.0.0.1:" + port + " (dashboard /, API /api, metrics /actuator/prometheus); "
                + "database role " + Database.currentUser(dataSource) + (probeRole == null ? "" : ", probes as role " + probeRole));

        Shutdown.awaitThenClose(web, coordinator, publisher, embedded, dataSource);
        return 0;
    }

    /** Tokens from the environment; application.yml may add more, and with none at all the app generates a pair. */
    private static ApiTokens tokens() {
        return new ApiTokens(split(System.getenv("PGBACKFILL_OPERATOR_TOKEN")), split(System.getenv("PGBACKFILL_VIEWER_TOKEN")));
    }

    private static List<String> split(String value) {
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
