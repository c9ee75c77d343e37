package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the demo jar adds to the production jar: embedded servers behind LocalServices, and bench. */
class DemoJarTest {
    @Test
    void runWithoutDbStartsAnEmbeddedPostgresql() {
        CliTest.Result r = CliTest.cli("run", "--table", "no_such_table", "--set", "n = 1");

        assertThat(r.err()).contains("pgbackfill: no --db given: starting an embedded PostgreSQL for this run only",
                "error: table \"no_such_table\" not found");
        assertThat(r.exit()).isEqualTo(2);
    }

    @Test
    void theDemoJarFindsItsLocalServicesAndListsBench() {
        assertThat(LocalServices.find()).isPresent();

        CliTest.Result r = CliTest.cli("--help");

        assertThat(r.out()).containsPattern("(?m)^  bench\\s");
    }
}
