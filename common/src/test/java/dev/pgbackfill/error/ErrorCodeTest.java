package dev.pgbackfill.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every error that reaches a user carries a stable code, an exit code and an HTTP status. */
class ErrorCodeTest {
    @Test
    void codesAreUniqueAndSnakeCase() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().count()).isEqualTo(ErrorCode.values().length);
        assertThat(ErrorCode.values()).allSatisfy(c -> assertThat(c.code()).matches("[a-z_]+"));
    }

    @Test
    void refusalsExitTwoFailuresOneAndUnreachableThree() {
        assertThat(new InvalidInputException("table", "x").exitCode()).isEqualTo(2);
        assertThat(new JobNotFoundException(7).code()).isEqualTo(ErrorCode.JOB_NOT_FOUND);
        assertThat(new JobNotFoundException(7).exitCode()).isEqualTo(2);
        assertThat(ErrorCode.JOB_NOT_FOUND.httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.FAILED.exitCode()).isEqualTo(1);
        assertThat(ErrorCode.UNREACHABLE.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.UNREACHABLE.httpStatus()).isEqualTo(503);
    }

    @Test
    void aDatabaseErrorSaysWhatFailedWithPostgresFirstLineAndSqlstate() {
        PgbackfillException e = DatabaseException.wrap("changing job 4 to PAUSED",
                new SQLException("ERROR: permission denied for table job\n  Where: somewhere", SqlErrors.INSUFFICIENT_PRIVILEGE));
        assertThat(e.code()).isEqualTo(ErrorCode.DATABASE);
        assertThat(e.getMessage()).isEqualTo("changing job 4 to PAUSED failed: permission denied for table job [SQLSTATE 42501]");
        assertThat(((DatabaseException) e).sqlState()).isEqualTo("42501");
    }

    @Test
    void aLostConnectionIsUnreachableNotADatabaseError() {
        PgbackfillException e = DatabaseException.wrap("reading job 4", new SQLException("An I/O error occurred", "08006"));
        assertThat(e).isInstanceOf(UnreachableException.class);
        assertThat(e.exitCode()).isEqualTo(3);
    }

    @Test
    void sqlstatesAreClassifiedByCodeNeverByMessage() {
        assertThat(SqlErrors.isLockTimeoutOrDeadlock(new SQLException("x", SqlErrors.LOCK_NOT_AVAILABLE))).isTrue();
        assertThat(SqlErrors.isLockTimeoutOrDeadlock(new SQLException("lock timeout", "42P01"))).isFalse();
        assertThat(SqlErrors.isTimeout(new SQLException("x", SqlErrors.QUERY_CANCELED))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLException("x", SqlErrors.SERIALIZATION_FAILURE))).isTrue();
        assertThat(SqlErrors.isPermanent(new SQLException("x", "0A000"))).isTrue();
        assertThat(SqlErrors.state(new RuntimeException(new SQLException("x", "23505")))).isEqualTo("23505");
    }
}
