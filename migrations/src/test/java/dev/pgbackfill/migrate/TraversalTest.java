package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.Target;
import dev.pgbackfill.migrate.revision.Targets;
import dev.pgbackfill.migrate.revision.Traversal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Graph, current state, target → the exact revisions run, in order, for upgrades and downgrades. The expected answers
 * are Alembic's, from its tests/test_version_traversal.py (class names in the comments), with one deliberate
 * difference: a relative walk from several heads is refused where Alembic only warns and picks one.
 */
class TraversalTest {

    /** {@code "c1:b"} is c1 on b; {@code "e:c,d"} a merge; {@code "x:b|dep=c1|label=xbranch"} with depends_on and labels. */
    private static RevisionGraph graph(String... specs) {
        return RevisionGraph.of(Arrays.stream(specs).map(TraversalTest::rev).toList());
    }

    private static Revision rev(String spec) {
        String[] parts = spec.split("\\|");
        String[] idAndParents = parts[0].split(":", -1);
        List<String> parents = idAndParents.length < 2 || idAndParents[1].isEmpty() ? List.of() : List.of(idAndParents[1].split(","));
        List<String> dependsOn = List.of();
        Set<String> labels = Set.of();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=");
            if (kv[0].equals("dep")) {
                dependsOn = List.of(kv[1].split(","));
            } else {
                labels = Set.of(kv[1].split(","));
            }
        }
        return new Revision(idAndParents[0], parents, "", "test", true, Set.of(), List.of(), List.of(), true, Map.of(), dependsOn, labels);
    }

    static final RevisionGraph LINEAR = graph("a", "b:a", "c:b", "d:c", "e:d");
    /** Alembic's BranchedPathTest. */
    static final RevisionGraph BRANCHED = graph("a", "b:a", "c1:b|label=c1branch", "d1:c1", "c2:b|label=c2branch", "d2:c2");
    /** Alembic's MergedPathTest. */
    static final RevisionGraph MERGED = graph("a", "b:a", "c1:b", "d1:c1", "c2:b|label=c2branch", "d2:c2", "e:d1,d2", "f:e");
    /** Alembic's BranchedPathTestCrossDependencies: d2 depends on c1. */
    static final RevisionGraph CROSS = graph("a", "b:a", "c1:b|label=c1branch", "d1:c1", "c2:b|label=c2branch", "d2:c2|dep=c1");
    /** Alembic's DependsOnBranchTestThree (a crisscross of depends_on). */
    static final RevisionGraph CRISSCROSS = graph("a1", "a2:a1", "b1", "b2:b1|dep=a2", "b3:b2", "a3:a2|dep=b1");
    /** Alembic's DependsOnBranchTestFive. */
    static final RevisionGraph DEPENDS_MERGE = graph("a1", "b1|dep=a1", "bmerge:a1,b1");
    /** The issue's graph: a → b → c, d branching off a, e merging c and d. */
    static final RevisionGraph ISSUE = graph("a", "b:a", "c:b", "d:a", "e:c,d");

    private static Arguments up(RevisionGraph g, String applied, String target, String expected) {
        return Arguments.of(g, applied, "up", target, expected);
    }

    private static Arguments down(RevisionGraph g, String applied, String target, String expected) {
        return Arguments.of(g, applied, "down", target, expected);
    }

    static Stream<Arguments> paths() {
        return Stream.of(
                // RevisionPathTest
                up(LINEAR, "a b c", "e", "d e"),
                up(LINEAR, "", "c", "a b c"),
                up(LINEAR, "a", "+2", "b c"),
                up(LINEAR, "a", "+1", "b"),
                up(LINEAR, "a b", "+3", "c d e"),
                up(LINEAR, "a", "b+2", "b c d"),
                up(LINEAR, "a", "d-2", "b"),
                up(LINEAR, "a b c d e", "c", ""),
                up(LINEAR, "a", "c8", "!no revision \"c8\""),
                up(LINEAR, "a b", "+5", "!goes past e"),
                down(LINEAR, "", "base", ""),
                down(LINEAR, "a", "a", ""),
                down(LINEAR, "a b c d e", "e", ""),
                down(LINEAR, "a b c d e", "c", "e d"),
                down(LINEAR, "a b c", "base", "c b a"),
                down(LINEAR, "a b c", "-1", "c"),
                down(LINEAR, "a b c d e", "-3", "e d c"),
                down(LINEAR, "a b c d", "a+2", "d"),
                down(LINEAR, "a b c d", "c-2", "d c b"),
                down(LINEAR, "a b", "-5", "!goes past base"),
                down(LINEAR, "a b", "c", "!revision c is not applied"),
                // BranchedPathTest
                up(BRANCHED, "a b", "d1", "c1 d1"),
                up(BRANCHED, "a", "heads", "b c1 c2 d1 d2"),
                up(BRANCHED, "a b", "c2branch@head-1", "c2"),
                up(BRANCHED, "a b c1", "c2branch@+1", "c2"),
                up(BRANCHED, "a b c1 c2", "c2branch@+1", "d2"),
                up(BRANCHED, "a b c1 c2", "+1", "!is ambiguous: the database is at 2 heads [c1, c2]"),
                up(BRANCHED, "", "base+1", "a"),
                up(BRANCHED, "", "+1", "a"),
                up(BRANCHED, "a b", "head", "!2 heads"),
                down(BRANCHED, "a b c1 c2 d1 d2", "a", "d2 d1 c2 c1 b"),
                down(BRANCHED, "a b c1 c2 d1 d2", "base+2", "d2 d1 c2 c1"),
                down(BRANCHED, "a b c1 c2 d1 d2", "c2branch@base+2", "d2 c2"),
                down(BRANCHED, "a b c1 c2 d1 d2", "c2", "d2"),
                down(BRANCHED, "a b c1 c2 d1 d2", "c2branch@base+3", "d2"),
                down(BRANCHED, "a b c1 c2 d1 d2", "-1", "!is ambiguous: the database is at 2 heads [d1, d2]; say which: d1-1 or d2-1"),
                down(BRANCHED, "a b c1 c2 d1 d2", "c1branch@-1", "d1"),
                down(BRANCHED, "a b c1 c2 d2", "d2-1", "d2"),
                down(BRANCHED, "a b c1 c2 d2", "c1branch@b", "c1"),
                down(BRANCHED, "a b c1 c2 d2", "c2branch@b", "d2 c2"),
                down(BRANCHED, "a b c1 c2 d1 d2", "c2@b", "d2 c2"),
                down(BRANCHED, "a b c1 c2 d1 d2", "d1@b", "d1 c1"),
                down(BRANCHED, "a b c1 c2 d1 d2", "c1branch@head-1", "d1"),
                down(BRANCHED, "a b c1 c2 d1", "c2", ""),
                down(BRANCHED, "a b c1 c2 d1", "d1", ""),
                down(BRANCHED, "", "-1", "!goes past base"),
                down(BRANCHED, "a b c1 c2 d1 d2", "c1branch@base", "d2 d1 c2 c1 b a"),
                down(LINEAR, "a b c", "c@b", "c"),
                down(graph("x", "y"), "x y", "y@base", "y"),
                // MergedPathTest
                up(MERGED, "a b", "f", "c1 c2 d1 d2 e f"),
                down(MERGED, "a b c1 c2 d1 d2 e f", "b", "f e d2 d1 c2 c1"),
                down(MERGED, "a b c1 c2 d1 d2 e f", "e-1", "!is ambiguous at e: it is a merge of [d1, d2]"),
                // BranchedPathTestCrossDependencies
                down(CROSS, "a b c1 c2 d1 d2", "c2branch@b", "d2 c2"),
                down(CROSS, "a b c1 c2 d1 d2", "c1branch@b", "d2 d1 c1"),
                up(CROSS, "a b c2", "d2", "c1 d2"),
                // DependsOnBranchTestThree
                down(CRISSCROSS, "a1 a2 b1 b2 a3", "b1", "b2"),
                up(CRISSCROSS, "", "a3", "a1 a2 b1 a3"),
                // DependsOnBranchTestFive
                up(DEPENDS_MERGE, "a1", "b1", "b1"),
                up(DEPENDS_MERGE, "a1 b1", "bmerge", "bmerge"),
                down(DEPENDS_MERGE, "a1 b1 bmerge", "a1", "bmerge"),
                down(DEPENDS_MERGE, "a1 b1 bmerge", "b1", "bmerge"),
                // the issue's cases: a downgrade never reverts another branch
                down(ISSUE, "a b c d", "b", "c"),
                down(ISSUE, "a b c d", "c", ""),
                down(ISSUE, "a b c d e", "c", "e"),
                down(ISSUE, "a b c d", "-1", "!is ambiguous: the database is at 2 heads [c, d]"),
                down(ISSUE, "a b c d e", "-2", "!is ambiguous at e: it is a merge of [c, d]"),
                up(ISSUE, "a b c", "d", "d"));
    }

    @ParameterizedTest(name = "{2} {3} from [{1}]")
    @MethodSource("paths")
    void runsExactlyTheRevisionsAlembicRuns(RevisionGraph g, String applied, String direction, String target, String expected) {
        Set<String> state = applied.isBlank() ? Set.of() : Set.of(applied.split(" "));
        if (expected.startsWith("!")) {
            assertThatThrownBy(() -> run(g, state, direction, target)).isInstanceOf(InvalidRevisionException.class)
                    .hasMessageContaining(expected.substring(1));
            return;
        }
        assertThat(run(g, state, direction, target)).containsExactlyElementsOf(expected.isBlank() ? List.of() : List.of(expected.split(" ")));
    }

    private static List<String> run(RevisionGraph g, Set<String> applied, String direction, String text) {
        Target target = new Targets(g, applied).resolve(text);
        List<Revision> revisions = direction.equals("up") ? Traversal.toApply(g, applied, target) : Traversal.toRevert(g, applied, target);
        return revisions.stream().map(Revision::id).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void targetsAreIdsUniquePrefixesOrLabels(String text, String expected) {
        RevisionGraph g = graph("ae1027a6acf", "27c6a30d7c24:ae1027a6acf|label=billing", "27d0b1f:ae1027a6acf");
        if (expected.startsWith("!")) {
            assertThatThrownBy(() -> g.get(text)).isInstanceOf(InvalidRevisionException.class).hasMessageContaining(expected.substring(1));
        } else {
            assertThat(g.get(text).id()).isEqualTo(expected);
        }
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("ae1027a6acf", "ae1027a6acf"),
                Arguments.of("ae", "ae1027a6acf"),
                Arguments.of("27c", "27c6a30d7c24"),
                Arguments.of("billing", "27c6a30d7c24"),
                Arguments.of("27", "!\"27\" is the start of several revision ids: [27c6a30d7c24, 27d0b1f]"),
                Arguments.of("zz", "!no revision \"zz\""));
    }
}
