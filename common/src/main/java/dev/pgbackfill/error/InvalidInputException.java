package dev.pgbackfill.error;

import org.jspecify.annotations.Nullable;

/** Bad input from the operator, found before the first write: nothing was changed. Exit code 2. */
public class InvalidInputException extends PgbackfillException {
    private final String field;

    public InvalidInputException(String message) {
        this(null, message);
    }

    public InvalidInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    public InvalidInputException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The option or JSON field the error is about (e.g. {@code table}, {@code set}), or null. */
    public @Nullable String field() {
        return field;
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.INVALID_INPUT;
    }
}
