package dev.pgbackfill.migrate.revision;

import dev.pgbackfill.error.ErrorCode;
import dev.pgbackfill.error.InvalidInputException;

/** A revision set that cannot be used: the message names the file (and line) and what to change. Exit code 2. */
public class InvalidRevisionException extends InvalidInputException {
    public InvalidRevisionException(String message) {
        super("migrations", message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.INVALID_REVISION;
    }
}
