/**
 * Internal. {@code migrate sql}: the statements a revision range would run, as a script.
 */
@NullMarked
package dev.pgbackfill.migrate.offline;

import org.jspecify.annotations.NullMarked;
