package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.UnreachableException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A service waits for an unreachable dependency with one line per attempt, and gives up only when told to. */
class StartupRetryTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void anUnreachableServiceIsTriedAgainUntilItAnswers() {
        AtomicInteger attempts = new AtomicInteger();

        String result = StartupRetry.until("Kafka", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new UnreachableException("cannot reach Kafka at 127.0.0.1:1", null);
            }
            return "started";
        }, Duration.ZERO, new PrintStream(err));

        assertThat(result).isEqualTo("started");
        assertThat(err.toString().lines()).containsExactly(
                "pgbackfill: waiting for Kafka: cannot reach Kafka at 127.0.0.1:1; trying again in 1 s",
                "pgbackfill: waiting for Kafka: cannot reach Kafka at 127.0.0.1:1; trying again in 2 s");
    }

    @Test
    void aLimitEndsTheWaitWithTheUnreachableError() {
        assertThatThrownBy(() -> StartupRetry.until("PostgreSQL", () -> {
            throw new UnreachableException("cannot connect to PostgreSQL", null);
        }, Duration.ofMillis(1500), new PrintStream(err))).isInstanceOf(UnreachableException.class);
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void aMistakeOfTheOperatorIsNotRetried() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> StartupRetry.until("PostgreSQL", () -> {
            attempts.incrementAndGet();
            throw new InvalidInputException("db", "database does not exist");
        }, Duration.ZERO, new PrintStream(err))).isInstanceOf(InvalidInputException.class);
        assertThat(attempts).hasValue(1);
    }
}
