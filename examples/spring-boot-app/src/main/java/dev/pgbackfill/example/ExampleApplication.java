package dev.pgbackfill.example;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.spec.BackfillSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * An application with pgbackfill inside: the starter runs a worker and the coordinator on the application's
 * database ({@code spring.datasource.*}) and broker ({@code spring.kafka.*}); on start-up it launches the backfill
 * of a new column, which its own worker (and any other worker of the cluster) runs in short batches.
 */
@SpringBootApplication
public class ExampleApplication {
    private static final Logger log = LoggerFactory.getLogger(ExampleApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    /** The expand step (email_lower) is in schema.sql; this fills it for the rows that have none, idempotently. */
    @Bean
    ApplicationRunner backfillOnStartup(BackfillOperations backfills) {
        return args -> {
            // every replica runs this on start: one job at a time on the table is enough (its predicate makes a rerun cheap)
            var running = backfills.list().stream().filter(j -> j.table().endsWith("accounts") && !j.state().isTerminal()).findFirst();
            if (running.isPresent()) {
                log.info("backfill job {} on accounts is {} already: not launching another", running.get().id(), running.get().state());
                return;
            }
            long job = backfills.launch(BackfillSpec.on("accounts").set("email_lower = lower(email)").where("email_lower IS NULL").build(),
                    "example-app");
            log.info("launched backfill job {}: watch it with `pgbackfill status {}` or GET /actuator/pgbackfill/{}", job, job, job);
        };
    }
}
