/**
 * Internal. What the demo jar adds to the production jar: the embedded PostgreSQL and Kafka behind
 * {@link dev.pgbackfill.cli.LocalServices}, found by {@link java.util.ServiceLoader}.
 */
package dev.pgbackfill.demo;
