/**
 * Internal. Ops and their safe lowering to statements (CONCURRENTLY, NOT VALID + VALIDATE, sync triggers), and the undo of a partial revision.
 */
@NullMarked
package dev.pgbackfill.migrate.op;

import org.jspecify.annotations.NullMarked;
