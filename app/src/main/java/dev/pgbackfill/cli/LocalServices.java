package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import java.util.ServiceLoader;

/**
 * Throwaway PostgreSQL and Kafka for {@code demo}, {@code bench}, and {@code run}, {@code migrate} or
 * {@code coordinator} without {@code --db} / {@code --kafka}.
 *
 * <p>The production jar ({@code pgbackfill.jar}) leaves them out: the PostgreSQL binaries and the broker weigh about
 * 190 MB and have no place in production. {@code pgbackfill-demo.jar}, which the source checkout's launcher runs,
 * adds them through {@link ServiceLoader}; without it, asking for one is refused before anything starts, with the
 * option that avoids it.
 */
public interface LocalServices {
    /** Starts a fresh PostgreSQL cluster for this process; its data is discarded on close. Takes a few seconds. */
    Service postgres();

    /** Starts a single-node KRaft broker in this JVM on {@code port} (0: any free port). Takes a few seconds. */
    Service kafka(int port, int partitions);

    /** A started service: where to reach it, and how to stop it. */
    interface Service extends AutoCloseable {
        /** A JDBC URL of database {@code postgres} as its superuser, or a Kafka bootstrap address. */
        String address();

        @Override
        void close();
    }

    /** The local services on the class path, if this is the demo jar. */
    static java.util.Optional<LocalServices> find() {
        return ServiceLoader.load(LocalServices.class).findFirst();
    }

    /** Refuses (exit 2) unless both servers are given or this jar can start the missing ones: before any write. */
    static void requireUnlessGiven(DbOptions db, KafkaOptions kafka) {
        if (!db.given()) {
            require("--db");
        }
        if (!kafka.given()) {
            require("--kafka");
        }
    }

    /**
     * The local services on the class path, or a refusal (exit 2) naming {@code option}, the option that makes the
     * command use a real server instead.
     */
    static LocalServices require(String option) {
        return find().orElseThrow(() -> new InvalidInputException(option.replace("--", ""),
                "no " + option + " given, and this is the production jar, which has no embedded PostgreSQL or Kafka: pass "
                        + option + " (or its PGBACKFILL_ variable), or run the demo jar (pgbackfill-demo.jar, or ./pgbackfill in a source checkout)"));
    }
}
