/**
 * Internal. One chunk's work: fenced, checkpointed batches ({@code BatchApplier}) and the passes and sweeps of a chunk ({@code ChunkRunner}).
 */
@NullMarked
package dev.pgbackfill.worker.apply;

import org.jspecify.annotations.NullMarked;
