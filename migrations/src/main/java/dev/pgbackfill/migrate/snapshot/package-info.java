/**
 * Internal. Catalog snapshots compared by {@code migrate test-reversible}.
 */
@NullMarked
package dev.pgbackfill.migrate.snapshot;

import org.jspecify.annotations.NullMarked;
