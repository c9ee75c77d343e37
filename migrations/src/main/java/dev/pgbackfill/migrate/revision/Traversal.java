package dev.pgbackfill.migrate.revision;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which revisions an upgrade applies and a downgrade reverts, with Alembic's semantics. An upgrade applies what the
 * target needs (down revisions and {@code depends_on}, transitively) that is not applied yet. A downgrade to a
 * revision reverts only what stands on it through down revisions — within the target's branch when one is named
 * ({@code label@rev}) — plus whatever depends on something reverted; every other branch stays as it is. Pure: the
 * applied set comes from the caller (the database, or the start of an offline range).
 */
public final class Traversal {
    private Traversal() {
    }

    /** Revisions to run up, parents first: what the target needs that is not in {@code done}. */
    public static List<Revision> toApply(RevisionGraph graph, Set<String> done, Target target) {
        return switch (target) {
            case Target.Base b -> List.of();
            case Target.Revisions(List<String> ids, String branch) -> {
                Set<String> needed = new LinkedHashSet<>();
                ids.forEach(id -> graph.upTo(id).forEach(r -> needed.add(r.id())));
                yield graph.ordered().stream().filter(r -> needed.contains(r.id()) && !done.contains(r.id())).toList();
            }
        };
    }

    /** Revisions to revert, newest first (everything that depends on a revision is reverted before it). */
    public static List<Revision> toRevert(RevisionGraph graph, Set<String> applied, Target target) {
        Set<String> revert = switch (target) {
            case Target.Base(String branch) -> branch == null ? new LinkedHashSet<>(applied)
                    : applied.stream().filter(graph.lineage(branch)::contains).collect(Collectors.toCollection(LinkedHashSet::new));
            case Target.Revisions(List<String> ids, String branch) -> above(graph, applied, ids, branch);
        };
        closeOverDependents(graph, applied, revert);
        List<Revision> out = new ArrayList<>(graph.ordered().stream().filter(r -> revert.contains(r.id())).toList());
        Collections.reverse(out);
        return out;
    }

    private static Set<String> above(RevisionGraph graph, Set<String> applied, List<String> ids, String branch) {
        for (String id : ids) {
            if (!applied.contains(id)) {
                throw new InvalidRevisionException("revision " + id + " is not applied, so it cannot be a downgrade target; applied: "
                        + graph.ordered().stream().map(Revision::id).filter(applied::contains).toList() + "; nothing was changed");
            }
        }
        Set<String> lineage = branch == null ? null : graph.lineage(branch);
        Set<String> revert = new LinkedHashSet<>();
        for (String id : ids) {
            graph.descendants(id).stream().map(Revision::id)
                    .filter(d -> applied.contains(d) && !ids.contains(d) && (lineage == null || lineage.contains(d)))
                    .forEach(revert::add);
        }
        return revert;
    }

    /** A revision that needs one being reverted (as a down revision or through depends_on) is reverted too. */
    private static void closeOverDependents(RevisionGraph graph, Set<String> applied, Set<String> revert) {
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Revision r : graph.ordered()) {
                if (applied.contains(r.id()) && !revert.contains(r.id()) && r.dependencies().stream().anyMatch(revert::contains)) {
                    revert.add(r.id());
                    grew = true;
                }
            }
        }
    }

    /** The applied revisions that no applied revision stands on (Alembic's current heads). */
    public static List<String> currentHeads(RevisionGraph graph, Set<String> applied) {
        Set<String> below = graph.ordered().stream().filter(r -> applied.contains(r.id())).flatMap(r -> r.downRevisions().stream())
                .collect(Collectors.toSet());
        return graph.ordered().stream().map(Revision::id).filter(id -> applied.contains(id) && !below.contains(id)).toList();
    }
}
