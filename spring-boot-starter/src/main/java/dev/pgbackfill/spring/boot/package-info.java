/**
 * pgbackfill in a Spring Boot application ({@code pgbackfill-spring-boot-starter}): {@link
 * dev.pgbackfill.spring.boot.PgbackfillAutoConfiguration} runs a worker and optionally the coordinator on the
 * application's database and broker, {@link dev.pgbackfill.spring.boot.PgbackfillClientAutoConfiguration} gives a
 * {@link dev.pgbackfill.client.BackfillOperations} bean, {@link dev.pgbackfill.spring.boot.PgbackfillActuatorAutoConfiguration}
 * a health indicator and the {@code pgbackfill} endpoint. Settings: {@link dev.pgbackfill.spring.boot.PgbackfillProperties}.
 */
package dev.pgbackfill.spring.boot;
