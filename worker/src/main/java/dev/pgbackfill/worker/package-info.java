/**
 * Public API. {@link dev.pgbackfill.worker.Worker}, a worker in three roles (Kafka intake, dispatch, registry), and its settings.
 */
@NullMarked
package dev.pgbackfill.worker;

import org.jspecify.annotations.NullMarked;
