/**
 * Public API. {@link dev.pgbackfill.coordinator.control.Coordinator} (the service) and {@link dev.pgbackfill.coordinator.control.JobLifecycle} (launch, pause, resume, cancel, throttle, watch): what the REST API, the CLI, the migrations engine and Java programs call.
 */
@NullMarked
package dev.pgbackfill.coordinator.control;

import org.jspecify.annotations.NullMarked;
