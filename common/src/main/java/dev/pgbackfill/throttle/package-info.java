/**
 * Public API. Throttle settings, schedules and thresholds, shared by the coordinator (health) and the workers (rates, gates), and the typed {@link dev.pgbackfill.throttle.ThrottleReason}.
 */
@NullMarked
package dev.pgbackfill.throttle;

import org.jspecify.annotations.NullMarked;
