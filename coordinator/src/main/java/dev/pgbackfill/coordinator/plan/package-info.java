/**
 * Internal. Validating a spec against the catalog and cutting its key space into chunks.
 */
@NullMarked
package dev.pgbackfill.coordinator.plan;

import org.jspecify.annotations.NullMarked;
