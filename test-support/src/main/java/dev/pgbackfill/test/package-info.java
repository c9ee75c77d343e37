/**
 * {@code pgbackfill-test}: real PostgreSQL and Kafka for tests of revisions and backfills in users' builds, through
 * Testcontainers. {@link dev.pgbackfill.test.PgbackfillServiceConnections} for Spring Boot tests
 * ({@code @ServiceConnection}); {@link dev.pgbackfill.test.PgbackfillContainersExtension} for plain JUnit.
 */
package dev.pgbackfill.test;
