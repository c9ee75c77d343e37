package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing revisions as with Alembic: revision, a branch, merge, and the graph commands that read them (no database). */
class MigrateAuthoringTest {
    @TempDir
    Path dir;

    private CliTest.Result cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--migrations";
        all[args.length + 1] = dir.toString();
        return CliTest.cli(all);
    }

    private String id(CliTest.Result written) {
        return Path.of(written.lastLine()).getFileName().toString().substring(0, 12);
    }

    @Test
    void revisionsBuildOnTheHeadBranchesAreLabelledAndAMergeJoinsThem() throws Exception {
        String first = id(cli("migrate", "revision", "-m", "users: add email_new"));
        String second = id(cli("migrate", "revision", "-m", "users: fill it"));
        String billing = id(cli("migrate", "revision", "-m", "billing tables", "--head", "base", "--branch-label", "billing"));

        assertThat(Files.readString(dir.resolve(second + "_users_fill_it.sql"))).startsWith("-- revision: " + second + "\n-- down_revision: " + first + "\n");
        assertThat(cli("migrate", "heads").out().lines()).containsExactlyInAnyOrder("<base> -> " + billing + " (head) (billing), billing tables",
                first + " -> " + second + " (head), users: fill it"); // in graph order, which ties by the (random) ids
        assertThat(cli("migrate", "check").exit()).as("two heads").isEqualTo(2);
        assertThat(cli("migrate", "revision", "-m", "on which head?").err()).contains("2 heads");

        String merge = id(cli("migrate", "merge", "-m", "merge billing", "heads"));

        assertThat(cli("migrate", "check").exit()).isZero();
        assertThat(cli("migrate", "history").out().lines().findFirst().orElseThrow())
                .isIn(billing + ", " + second + " -> " + merge + " (head) (mergepoint), merge billing",
                        second + ", " + billing + " -> " + merge + " (head) (mergepoint), merge billing");
        assertThat(cli("migrate", "show", "billing").out()).contains("Rev: " + billing + " (billing)").contains("Branches into: " + merge);
        assertThat(cli("migrate", "history", "-r", second + ":head").out().lines()).hasSize(2);
    }

    @Test
    void aJavaRevisionIsAMigrationClassWithItsIdsFilledIn() throws Exception {
        CliTest.Result written = cli("migrate", "revision", "-m", "orders: total_cents", "--java");

        String source = Files.readString(Path.of(written.lastLine()));
        assertThat(source).contains("implements Migration").contains("public List<String> downRevisions() { return List.of(); }")
                .contains("public String message() { return \"orders: total_cents\"; }");
    }
}
