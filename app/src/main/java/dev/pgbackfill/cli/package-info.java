/**
 * Internal. The picocli commands behind {@code ./pgbackfill}: client commands talk to a coordinator over REST; {@code run}, {@code demo} and {@code bench} start a cluster in this process ({@code LocalCluster}).
 */
@NullMarked
package dev.pgbackfill.cli;

import org.jspecify.annotations.NullMarked;
