/**
 * Internal. Revisions (SQL files, Java classes) and the revision graph.
 */
@NullMarked
package dev.pgbackfill.migrate.revision;

import org.jspecify.annotations.NullMarked;
