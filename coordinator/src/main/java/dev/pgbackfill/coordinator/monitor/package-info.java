/**
 * Internal. The monitor's runbook ({@link dev.pgbackfill.coordinator.monitor.Monitor}) and its small parts: leadership, progress samples, chunk-done notifications.
 */
@NullMarked
package dev.pgbackfill.coordinator.monitor;

import org.jspecify.annotations.NullMarked;
