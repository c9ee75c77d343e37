package dev.pgbackfill.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.error.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A probe is exactly one read-only query, judged with PostgreSQL's lexical rules before anything runs. */
class ProbeQueryTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "SELECT 1;",
            "select count(*) from pg_stat_activity where state = 'active'",
            "SELECT ';' AS not_a_second_statement",
            "SELECT $$; COMMIT; DROP TABLE x$$ IS NOT NULL",
            "/* comment; with a semicolon */ SELECT 1",
            "-- a comment\nSELECT 1",
            "WITH w AS (SELECT 1 AS n) SELECT n FROM w",
            "(SELECT 1)",
            "VALUES (1)",
            "TABLE probe_values"})
    void oneQueryIsAccepted(String probe) {
        assertThat(ProbeQuery.check(probe)).doesNotEndWith(";");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SELECT 1; COMMIT; CREATE TABLE x (i int); SELECT 0 | must be one query, got 4 statements",
            "SELECT 1; SELECT 2 | must be one query, got 2 statements",
            "INSERT INTO items VALUES (1) | got INSERT",
            "DELETE FROM items | got DELETE",
            "UPDATE items SET a = 1 | got UPDATE",
            "SET ROLE postgres | got SET",
            "RESET ROLE | got RESET",
            "COMMIT | got COMMIT",
            "CALL do_things() | got CALL",
            "EXPLAIN ANALYZE DELETE FROM items | got EXPLAIN",
            "CREATE TABLE x (i int) | got CREATE",
            "  ;  | --probe is empty"})
    void anythingElseIsRefusedSayingWhy(String probe, String message) {
        assertThatThrownBy(() -> ProbeQuery.check(probe)).isInstanceOf(InvalidInputException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("probe"));
    }
}
