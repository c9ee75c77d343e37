package dev.pgbackfill.migrate.step;

import dev.pgbackfill.migrate.Phase;

/** One executable unit of a lowered operation: a SQL statement or a backfill job. */
public sealed interface Step permits SqlStep, BackfillStep {
    Phase phase();
}
