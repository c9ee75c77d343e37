package dev.pgbackfill.error;

/** A service (PostgreSQL, Kafka, the coordinator) could not be reached. Exit code 3: retrying later may help. */
public class UnreachableException extends PgbackfillException {
    public static final int EXIT_CODE = 3;

    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }
}
