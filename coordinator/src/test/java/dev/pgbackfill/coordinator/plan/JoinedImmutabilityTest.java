package dev.pgbackfill.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** How an expression over joined relations is rewritten for PostgreSQL's immutability check. */
class JoinedImmutabilityTest {
    @Test
    void aliasQualifiersBecomeCompositeFieldsAndNothingElseChanges() {
        assertThat(JoinedImmutability.asFields("l.x + length(t.email) || 'l.x' || \"L\".y || pg_catalog.lower(T.name)", Set.of("t", "l")))
                .isEqualTo("(l).x + length((t).email) || 'l.x' || \"L\".y || pg_catalog.lower((T).name)");
    }

    @Test
    void onlySimpleFromItemsCanBeChecked() {
        assertThat(FromItems.parse("users u, lookup AS l")).containsExactly(new FromItems.Item("users", "u"), new FromItems.Item("lookup", "l"));
        assertThat(FromItems.parse("(SELECT 1) s")).isNull();
        assertThat(FromItems.parse("users u JOIN lookup l ON true")).isNull();
    }
}
