package dev.pgbackfill.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.error.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The database user is given once: in the URL or by --db-user, and a conflict is refused before connecting. */
class DbConfigTest {
    @Test
    void aUserInTheUrlAndADifferentDbUserAreRefusedNamingBoth() {
        DbConfig config = DbConfig.of("jdbc:postgresql://127.0.0.1:1/app?user=bob&ssl=false", "alice", null);

        assertThatThrownBy(() -> Database.open(config, 1, "test")).isInstanceOf(InvalidInputException.class)
                .hasMessage("the database user is given twice: user=bob in --db and alice in --db-user / PGBACKFILL_DB_USER; keep one of them");
    }

    @Test
    void urlParametersAreReadDecoded() {
        DbConfig config = DbConfig.of("jdbc:postgresql://h/app?ApplicationName=x&user=b%40ob", null, null);

        assertThat(config.urlParameter("user")).isEqualTo("b@ob");
        assertThat(config.urlParameter("password")).isNull();
        assertThat(DbConfig.of("jdbc:postgresql://h/app", null, null).urlParameter("user")).isNull();
    }
}
