/**
 * Public API. A backfill as the operator describes it ({@link dev.pgbackfill.spec.BackfillSpec}), as validated against the catalog ({@link dev.pgbackfill.spec.ResolvedSpec}), and the statements built from it ({@link dev.pgbackfill.spec.BatchSql}, internal).
 */
@NullMarked
package dev.pgbackfill.spec;

import org.jspecify.annotations.NullMarked;
