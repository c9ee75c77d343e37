/**
 * Public API (the types), internal (the stores). A chunk is a key range of a job: {@link dev.pgbackfill.chunk.ChunkState} is its life, {@link dev.pgbackfill.chunk.ChunkStore} the coordinator's side of its row and {@link dev.pgbackfill.chunk.LeaseStore} the worker's (claim, fenced checkpoint, release); {@link dev.pgbackfill.chunk.ChunkRequest} is what Kafka carries.
 */
@NullMarked
package dev.pgbackfill.chunk;

import org.jspecify.annotations.NullMarked;
