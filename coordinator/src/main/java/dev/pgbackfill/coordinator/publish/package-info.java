/**
 * Internal. Chunk requests to Kafka: the producer, and the republisher that finds the chunks that need one.
 */
@NullMarked
package dev.pgbackfill.coordinator.publish;

import org.jspecify.annotations.NullMarked;
