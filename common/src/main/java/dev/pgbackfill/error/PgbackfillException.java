package dev.pgbackfill.error;

/**
 * Base of every error pgbackfill reports to an operator. The message is meant to be shown as-is, on one line,
 * and to say what to fix; {@link #exitCode()} is the process exit code the CLI uses for it.
 */
public abstract class PgbackfillException extends RuntimeException {
    protected PgbackfillException(String message) {
        super(message);
    }

    protected PgbackfillException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract int exitCode();
}
