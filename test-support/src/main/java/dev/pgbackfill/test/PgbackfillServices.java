package dev.pgbackfill.test;

/** Where the extension's containers answer: inject it into a test method or constructor. */
public record PgbackfillServices(String jdbcUrl, String username, String password, String bootstrapServers) {
}
