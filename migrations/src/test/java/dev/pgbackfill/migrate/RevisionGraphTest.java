package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevisionGraphTest {

    static Revision rev(String id, String... parents) {
        return new Revision(id, List.of(parents), "m" + id, "m/" + id + ".sql", true, Set.of(), List.of(), List.of(), true);
    }

    @Test
    void ordersParentsBeforeChildrenAndFindsTheHead() {
        RevisionGraph g = RevisionGraph.of(List.of(rev("003", "002"), rev("001"), rev("002", "001")));

        assertThat(g.ordered()).extracting(Revision::id).containsExactly("001", "002", "003");
        assertThat(g.head()).isEqualTo("003");
        assertThat(g.between("001", "003")).extracting(Revision::id).containsExactly("002", "003");
    }

    @Test
    void aMergeRevisionJoinsTwoBranchesIntoOneHead() {
        RevisionGraph g = RevisionGraph.of(List.of(rev("a"), rev("b1", "a"), rev("b2", "a"), rev("m", "b1", "b2")));

        assertThat(g.heads()).containsExactly("m");
        assertThat(g.upTo("b2")).extracting(Revision::id).containsExactly("a", "b2");
    }

    @Test
    void twoHeadsAreNamedWithTheFix() {
        RevisionGraph g = RevisionGraph.of(List.of(rev("a"), rev("b", "a"), rev("c", "a")));

        assertThatThrownBy(g::head).isInstanceOf(InvalidRevisionException.class)
                .hasMessage("2 heads: b (m/b.sql), c (m/c.sql); add a merge revision with down_revision: b, c");
    }

    @Test
    void aCycleIsRefusedNamingItsRevisions() {
        assertThatThrownBy(() -> RevisionGraph.of(List.of(rev("a"), rev("b", "c"), rev("c", "b"))))
                .isInstanceOf(InvalidRevisionException.class)
                .hasMessage("the revisions form a cycle: b (m/b.sql) → down_revision → c (m/c.sql) → down_revision → b (m/b.sql); "
                        + "point one of these at an earlier revision");
    }

    @Test
    void anUnknownDownRevisionIsRefusedWithTheFile() {
        assertThatThrownBy(() -> RevisionGraph.of(List.of(rev("a"), rev("b", "x"))))
                .hasMessage("m/b.sql: down_revision \"x\" of revision b does not exist; known: [a, b]");
    }

    @Test
    void duplicateIdsAreRefusedNamingBothFiles() {
        Revision other = new Revision("a", List.of(), "", "m/other.sql", true, Set.of(), List.of(), List.of(), true);

        assertThatThrownBy(() -> RevisionGraph.of(List.of(rev("a"), other)))
                .hasMessage("duplicate revision id \"a\" in m/a.sql and m/other.sql; give one of them a new id");
    }

    @Test
    void anUnknownTargetIsRefusedListingTheKnownOnes() {
        RevisionGraph g = RevisionGraph.of(List.of(rev("a"), rev("b", "a")));

        assertThatThrownBy(() -> g.get("zz")).hasMessage("no revision \"zz\"; known: [a, b], head, base");
    }
}
