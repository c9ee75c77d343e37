/**
 * Internal. Splitting running chunks so that idle worker threads take over the tail of a job: {@link
 * dev.pgbackfill.coordinator.split.SplitPolicy} decides (pure), {@link dev.pgbackfill.coordinator.split.TailSplitter}
 * cuts a chunk's remaining range under its row lock, and the lease fence keeps the running worker inside its new bound.
 */
@NullMarked
package dev.pgbackfill.coordinator.split;

import org.jspecify.annotations.NullMarked;
