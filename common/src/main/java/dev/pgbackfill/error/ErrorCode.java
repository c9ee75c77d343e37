package dev.pgbackfill.error;

/**
 * Every kind of error that reaches an operator, with its process exit code, its HTTP status and a stable code
 * string (the JSON errors carry it as {@code code}; scripts may match on it, so it never changes once released).
 */
public enum ErrorCode {
    /** Bad input found before the first write: nothing was changed. */
    INVALID_INPUT(2, 400, "invalid_input"),
    /** No job with that id. */
    JOB_NOT_FOUND(2, 404, "job_not_found"),
    /** A migration cannot run now (its backfill is not done, another runner holds the lock…): nothing was changed. */
    MIGRATION_REFUSED(2, 409, "migration_refused"),
    /** A revision set that cannot be used (a file, a graph). */
    INVALID_REVISION(2, 400, "invalid_revision"),
    /** A job or a migration step failed while running; what ran before it is recorded. */
    FAILED(1, 500, "failed"),
    /** PostgreSQL refused or failed a statement of pgbackfill's own; the message carries its SQLSTATE. */
    DATABASE(1, 500, "database_error"),
    /** PostgreSQL, Kafka or the coordinator could not be reached: retrying later may help. */
    UNREACHABLE(3, 503, "unreachable"),
    /** A bug of ours. */
    INTERNAL(1, 500, "internal");

    private final int exitCode;
    private final int httpStatus;
    private final String code;

    ErrorCode(int exitCode, int httpStatus, String code) {
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int exitCode() {
        return exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The stable code string, e.g. {@code invalid_input}. */
    public String code() {
        return code;
    }
}
