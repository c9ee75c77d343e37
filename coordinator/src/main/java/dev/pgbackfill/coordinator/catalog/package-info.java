/**
 * Internal. What the catalog says of a target table: columns, keys, size.
 */
@NullMarked
package dev.pgbackfill.coordinator.catalog;

import org.jspecify.annotations.NullMarked;
