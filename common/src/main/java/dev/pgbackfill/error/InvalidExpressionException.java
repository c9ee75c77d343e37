package dev.pgbackfill.error;

/** A --set, --where or --join expression that PostgreSQL rejects, or that cannot be made idempotent. */
public class InvalidExpressionException extends InvalidInputException {
    public InvalidExpressionException(String field, String message) {
        super(field, message);
    }
}
