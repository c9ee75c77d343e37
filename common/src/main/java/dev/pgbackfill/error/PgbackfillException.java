package dev.pgbackfill.error;

/**
 * Base of every error pgbackfill reports to an operator. The message is meant to be shown as-is, on one line,
 * and to say what to fix; {@link #code()} gives the exit code, the HTTP status and the stable code string.
 */
public abstract class PgbackfillException extends RuntimeException {
    protected PgbackfillException(String message) {
        super(message);
    }

    protected PgbackfillException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract ErrorCode code();

    /** The process exit code the CLI uses for this error. */
    public final int exitCode() {
        return code().exitCode();
    }
}
