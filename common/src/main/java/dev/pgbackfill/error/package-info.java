/**
 * Public API. Every error an operator sees: a {@link dev.pgbackfill.error.PgbackfillException} with an {@link dev.pgbackfill.error.ErrorCode} (exit code, HTTP status, stable code); SQLSTATE classification in {@link dev.pgbackfill.error.SqlErrors}.
 */
@NullMarked
package dev.pgbackfill.error;

import org.jspecify.annotations.NullMarked;
