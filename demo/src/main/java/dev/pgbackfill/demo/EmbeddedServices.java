package dev.pgbackfill.demo;

import dev.pgbackfill.cli.LocalServices;
import dev.pgbackfill.embedded.EmbeddedKafka;
import dev.pgbackfill.embedded.EmbeddedPg;

/** The demo jar's {@link LocalServices}: zonky's embedded PostgreSQL and spring-kafka-test's KRaft broker. */
public final class EmbeddedServices implements LocalServices {
    @Override
    public Service postgres() {
        EmbeddedPg pg = EmbeddedPg.start();
        return new Started(pg.url("postgres"), pg);
    }

    @Override
    public Service kafka(int port, int partitions) {
        EmbeddedKafka kafka = EmbeddedKafka.start(port, partitions);
        return new Started(kafka.bootstrap(), kafka);
    }

    private record Started(String address, AutoCloseable server) implements Service {
        @Override
        public void close() {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop the embedded service at " + address + ": " + e.getMessage(), e);
            }
        }
    }
}
