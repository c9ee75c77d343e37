/**
 * Internal. Connections (HikariCP with the statement timeouts every statement runs under) and the Flyway-versioned control schema {@code pgbackfill}.
 */
@NullMarked
package dev.pgbackfill.db;

import org.jspecify.annotations.NullMarked;
