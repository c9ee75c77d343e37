/**
 * Internal. {@code migrate check}'s lint rules and findings.
 */
@NullMarked
package dev.pgbackfill.migrate.lint;

import org.jspecify.annotations.NullMarked;
