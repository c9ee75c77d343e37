package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.ErrorCode;
import dev.pgbackfill.error.InvalidInputException;

/**
 * The request cannot run now and nothing was changed: a contract step whose backfill has not SUCCEEDED, a
 * downgrade while its job still runs, a target already passed. Exit code 2, like any refused input.
 */
public class MigrationRefusedException extends InvalidInputException {
    public MigrationRefusedException(String message) {
        super("migrate", message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.MIGRATION_REFUSED;
    }
}
