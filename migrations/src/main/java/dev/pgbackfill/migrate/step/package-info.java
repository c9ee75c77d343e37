/**
 * Internal. A lowered op's executable steps: a sealed {@link dev.pgbackfill.migrate.step.Step} of SQL or a backfill job.
 */
@NullMarked
package dev.pgbackfill.migrate.step;

import org.jspecify.annotations.NullMarked;
