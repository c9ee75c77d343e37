/**
 * Internal. The example revision set that {@code demo} and {@code --examples} run.
 */
@NullMarked
package dev.pgbackfill.migrate.examples;

import org.jspecify.annotations.NullMarked;
