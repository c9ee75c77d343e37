/**
 * Internal. Claiming a requested chunk behind the circuit breaker and running it on a free runner thread.
 */
@NullMarked
package dev.pgbackfill.worker.dispatch;

import org.jspecify.annotations.NullMarked;
