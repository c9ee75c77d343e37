/**
 * Internal ({@link dev.pgbackfill.worker.throttle.Throttle} is the seam tests use). Settings, the batch gate, rate clocks in PostgreSQL and batch sizing.
 */
@NullMarked
package dev.pgbackfill.worker.throttle;

import org.jspecify.annotations.NullMarked;
