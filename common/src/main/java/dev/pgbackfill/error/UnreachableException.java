package dev.pgbackfill.error;

/** A service (PostgreSQL, Kafka, the coordinator) could not be reached. Exit code 3: retrying later may help. */
public class UnreachableException extends PgbackfillException {
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNREACHABLE;
    }
}
