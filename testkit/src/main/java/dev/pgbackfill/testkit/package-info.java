/**
 * Test support (not shipped in the product): real PostgreSQL (the local server, or embedded) and an in-JVM Kafka broker.
 */
@NullMarked
package dev.pgbackfill.testkit;

import org.jspecify.annotations.NullMarked;
