package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import dev.pgbackfill.sql.SqlSplitter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlRevisionParserTest {

    @Test
    void readsHeadersSectionsAndStatementLines() {
        Revision r = SqlRevisionParser.parse("m/005_x.sql", """
                -- revision: 005
                -- down_revision: 003, 004
                -- message: merge and index
                -- transactional: false
                -- lint-ack: drop-without-backup
                -- migrate:up
                CREATE INDEX CONCURRENTLY i ON t (a);
                -- a comment between statements
                CREATE INDEX CONCURRENTLY j ON t (b);
                -- migrate:down
                DROP INDEX CONCURRENTLY i;
                """);

        assertThat(r.id()).isEqualTo("005");
        assertThat(r.downRevisions()).containsExactly("003", "004");
        assertThat(r.message()).isEqualTo("merge and index");
        assertThat(r.transactional()).isFalse();
        assertThat(r.acknowledged()).containsExactly("drop-without-backup");
        assertThat(r.upgrade()).extracting(op -> ((Op.Execute) op).origin()).containsExactly("005_x.sql:7", "005_x.sql:9");
        assertThat(r.downgrade()).hasSize(1);
    }

    @Test
    void splitsOnlyAtTopLevelSemicolons() {
        List<SqlSplitter.Statement> s = SqlSplitter.split("""
                SELECT 'a;b', "x;y", E'it\\'s;';
                CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
                /* block ; comment */ SELECT 2 -- trailing ; comment
                ;
                """, 1);

        assertThat(s).extracting(SqlSplitter.Statement::line).containsExactly(1, 2, 3);
        assertThat(s.get(1).sql()).endsWith("$body$ SELECT 1; $body$");
        assertThat(s.get(2).sql()).startsWith("SELECT 2");
    }

    @Test
    void keepsStandardSqlFunctionBodiesAndDollarsInsideIdentifiersWhole() {
        List<SqlSplitter.Statement> s = SqlSplitter.split("""
                CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
                SELECT a_$x$ FROM t; SELECT 3;
                """, 1);

        assertThat(s).extracting(SqlSplitter.Statement::sql).containsExactly(
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END", "SELECT a_$x$ FROM t", "SELECT 3");
    }

    @Test
    void aMissingDownSectionIsRefusedWithTheFileAndLine() {
        assertThatThrownBy(() -> SqlRevisionParser.parse("m/002_users.sql", "-- revision: 002\n-- migrate:up\nCREATE TABLE u (id int);\n"))
                .isInstanceOf(InvalidRevisionException.class)
                .hasMessage("m/002_users.sql:4: missing section \"-- migrate:down\" (write the statements that undo the upgrade)");
    }

    @Test
    void aMissingUpSectionIsRefused() {
        assertThatThrownBy(() -> SqlRevisionParser.parse("m/a.sql", "-- revision: 1\n-- migrate:down\nSELECT 1;\n"))
                .hasMessageStartingWith("m/a.sql:4: missing section \"-- migrate:up\"");
    }

    @Test
    void aMisspelledHeaderIsRefusedOnItsLineWithTheHeaderItMeant() {
        assertThatThrownBy(() -> SqlRevisionParser.parse("m/a.sql", "-- revision: 1\n-- down_revison: 0\n-- migrate:up\n-- migrate:down\n"))
                .hasMessageStartingWith("m/a.sql:2: unknown header \"down_revison\" (did you mean \"down_revision\"?)");
    }

    @Test
    void aHeadersFirstWordOrPrefixIsAMisspeltHeaderButOtherWordsAreComments() {
        assertThat(SqlRevisionParser.nearHeader("depends")).contains("depends_on");
        assertThat(SqlRevisionParser.nearHeader("down_rev")).contains("down_revision");
        assertThat(SqlRevisionParser.nearHeader("revisions")).contains("revision");
        assertThat(SqlRevisionParser.nearHeader("lint_ack")).contains("lint-ack");
        for (String comment : List.of("author", "decision", "case", "base", "ticket", "note", "date", "reviewed-by")) {
            assertThat(SqlRevisionParser.nearHeader(comment)).as(comment).isEmpty();
        }
    }

    @Test
    void plainCommentsAboveTheUpSectionAreAllowedEvenWithAColon() {
        Revision r = SqlRevisionParser.parse("m/a.sql", "-- Adds the users table.\n-- Author: ops\n-- revision: 1\n-- Ticket: OPS-12\n"
                + "-- migrate:up\nCREATE TABLE u (id bigint);\n-- migrate:down\nDROP TABLE u;\n");

        assertThat(r.id()).isEqualTo("1");
        assertThat(r.downRevisions()).isEmpty();
    }

    @Test
    void aMissingRevisionHeaderIsRefused() {
        assertThatThrownBy(() -> SqlRevisionParser.parse("m/a.sql", "-- message: x\n-- migrate:up\n-- migrate:down\n"))
                .hasMessage("m/a.sql:1: missing header \"-- revision: <id>\"");
    }

    @Test
    void sqlBeforeTheUpSectionIsRefused() {
        assertThatThrownBy(() -> SqlRevisionParser.parse("m/a.sql", "-- revision: 1\nDROP TABLE x;\n-- migrate:up\n-- migrate:down\n"))
                .hasMessageStartingWith("m/a.sql:2: SQL before \"-- migrate:up\"");
    }

    @Test
    void aBackfillPhaseIsRefusedForSqlFiles() {
        assertThatThrownBy(() -> SqlRevisionParser.parse("m/a.sql", "-- revision: 1\n-- phase: backfill\n-- migrate:up\n-- migrate:down\n"))
                .hasMessageStartingWith("m/a.sql:1: a SQL file's phase is expand or contract");
    }

    @Test
    void anEmptyDownSectionCountsAsNoDowngrade() {
        Revision r = SqlRevisionParser.parse("m/a.sql", "-- revision: 1\n-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n");

        assertThat(r.hasDowngrade()).isFalse();
    }
}
