/**
 * Internal. The completion check: stuck rows, then the final verification that no row still matches.
 */
@NullMarked
package dev.pgbackfill.coordinator.verify;

import org.jspecify.annotations.NullMarked;
