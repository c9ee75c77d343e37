/**
 * Public API. The Java migration DSL ({@link dev.pgbackfill.migrate.Migration}, {@link dev.pgbackfill.migrate.Ops}, {@link dev.pgbackfill.migrate.Phase}).
 */
@NullMarked
package dev.pgbackfill.migrate;

import org.jspecify.annotations.NullMarked;
