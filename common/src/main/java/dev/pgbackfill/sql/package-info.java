/**
 * Internal. SQL identifiers parsed and quoted: SQL is built only from catalog-validated, quoted names.
 */
@NullMarked
package dev.pgbackfill.sql;

import org.jspecify.annotations.NullMarked;
