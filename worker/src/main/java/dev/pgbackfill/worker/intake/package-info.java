/**
 * Internal. The Kafka consumer loop of the workers' group.
 */
@NullMarked
package dev.pgbackfill.worker.intake;

import org.jspecify.annotations.NullMarked;
