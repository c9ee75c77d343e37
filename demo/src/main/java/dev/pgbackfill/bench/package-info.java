/**
 * Internal. The benchmark's parts: the generated table, the baselines (seed loop, single UPDATE, in-server loop, Spring Batch) and the foreground OLTP load in a process of its own.
 */
@NullMarked
package dev.pgbackfill.bench;

import org.jspecify.annotations.NullMarked;
