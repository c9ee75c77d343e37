package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.ErrorCode;
import dev.pgbackfill.error.PgbackfillException;

/** A statement or a backfill of a revision failed; what ran before it is recorded, so a rerun continues. Exit 1. */
public class MigrationFailedException extends PgbackfillException {
    public MigrationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.FAILED;
    }
}
