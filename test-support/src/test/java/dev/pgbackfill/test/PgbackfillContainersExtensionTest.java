package dev.pgbackfill.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** On a machine without Docker, container tests are skipped with the reason; with Docker they run. */
class PgbackfillContainersExtensionTest {

    @ExtendWith(PgbackfillContainersExtension.class)
    static class NeedsContainers {
        @Test
        void connects(PgbackfillServices services) {
            assertThat(services.jdbcUrl()).startsWith("jdbc:postgresql://");
            assertThat(services.bootstrapServers()).isNotBlank();
        }
    }

    @Test
    void containerTestsAreSkippedSayingWhyWithoutDockerAndRunWithIt() {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsContainers.class)).execute().containerEvents();
        Events all = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsContainers.class)).execute().allEvents();

        if (PgbackfillContainers.dockerAvailable()) {
            assertThat(all.succeeded().count()).isGreaterThanOrEqualTo(2);
            assertThat(all.failed().count()).isZero();
        } else {
            assertThat(tests.skipped().count()).isOne();
            assertThat(tests.skipped().list().getFirst().getPayload(String.class)).contains(PgbackfillContainersExtension.NO_DOCKER);
        }
    }
}
