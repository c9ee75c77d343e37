/**
 * Internal. Health signals (replica lag, WAL retained, lock waiters, connections, a probe) read once per tick and judged against each job's thresholds.
 */
@NullMarked
package dev.pgbackfill.coordinator.health;

import org.jspecify.annotations.NullMarked;
