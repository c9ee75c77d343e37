/**
 * Internal, for {@code demo}, {@code run} without {@code --kafka} and tests only: an embedded PostgreSQL, an in-JVM KRaft broker, a TCP forwarder.
 */
@NullMarked
package dev.pgbackfill.embedded;

import org.jspecify.annotations.NullMarked;
