package dev.pgbackfill.migrate.revision;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Revisions linked by {@code down_revision}: a DAG with one base or more, ideally one head (merge revisions join
 * branches, as in Alembic). Building it refuses duplicates, unknown parents and cycles, naming the files.
 */
public final class RevisionGraph {
    private final Map<String, Revision> byId;
    private final List<Revision> order; // parents before children; ties by id, so the order is stable

    private RevisionGraph(Map<String, Revision> byId, List<Revision> order) {
        this.byId = byId;
        this.order = order;
    }

    public static RevisionGraph of(Collection<Revision> revisions) {
        Map<String, Revision> byId = byId(revisions);
        checkParents(byId);
        return new RevisionGraph(byId, topologicalOrder(byId));
    }

    private static Map<String, Revision> byId(Collection<Revision> revisions) {
        Map<String, Revision> byId = new LinkedHashMap<>();
        for (Revision r : revisions) {
            Revision other = byId.putIfAbsent(r.id(), r);
            if (other != null) {
                throw new InvalidRevisionException("duplicate revision id \"" + r.id() + "\" in " + other.where("revision") + " and " + r.where("revision")
                        + "; give one of them a new id");
            }
        }
        return byId;
    }

    private static void checkParents(Map<String, Revision> byId) {
        Map<String, String> labels = new HashMap<>();
        for (Revision r : byId.values()) {
            for (String d : r.dependsOn()) {
                if (!byId.containsKey(d)) {
                    throw new InvalidRevisionException(r.where("depends_on") + ": depends_on \"" + d + "\" of revision " + r.id()
                            + " does not exist; known: " + new TreeSet<>(byId.keySet()));
                }
            }
            for (String label : r.branchLabels()) {
                String other = labels.putIfAbsent(label, r.id());
                if (other != null || byId.containsKey(label) || label.matches(".*[@+:].*|head|heads|base|-?\\d+")) {
                    throw new InvalidRevisionException(r.where("branch_labels") + ": branch label \"" + label + "\" of revision " + r.id()
                            + (other != null ? " is also the label of revision " + other : " is a revision id or a word targets use")
                            + "; choose another name");
                }
            }
            for (String parent : r.downRevisions()) {
                if (!byId.containsKey(parent)) {
                    throw new InvalidRevisionException(r.where("down_revision") + ": down_revision \"" + parent + "\" of revision " + r.id()
                            + " does not exist; known: " + new TreeSet<>(byId.keySet()));
                }
                if (parent.equals(r.id())) {
                    throw new InvalidRevisionException(r.where("down_revision") + ": revision " + r.id() + " names itself as its down_revision");
                }
            }
        }
    }

    /** Kahn's algorithm, ties broken by id so that the order is stable; a revision left over is on a cycle. */
    private static List<Revision> topologicalOrder(Map<String, Revision> byId) {
        Map<String, Integer> missingParents = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        byId.values().forEach(r -> {
            missingParents.put(r.id(), r.dependencies().size());
            r.dependencies().forEach(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(r.id()));
        });
        TreeSet<String> ready = byId.keySet().stream().filter(id -> missingParents.get(id) == 0).collect(Collectors.toCollection(TreeSet::new));
        List<Revision> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String id = ready.pollFirst();
            order.add(byId.get(id));
            for (String child : children.getOrDefault(id, List.of())) {
                if (missingParents.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        if (order.size() < byId.size()) {
            throw new InvalidRevisionException("the revisions form a cycle: " + cycle(byId, missingParents));
        }
        return List.copyOf(order);
    }

    private static String cycle(Map<String, Revision> byId, Map<String, Integer> missingParents) {
        // walk parents from any revision left over until one repeats
        String start = byId.keySet().stream().filter(id -> missingParents.get(id) > 0).sorted().findFirst().orElseThrow();
        List<String> path = new ArrayList<>();
        String at = start;
        while (!path.contains(at)) {
            path.add(at);
            String current = at;
            at = byId.get(current).dependencies().stream().filter(p -> missingParents.get(p) > 0).sorted().findFirst().orElseThrow();
        }
        List<String> loop = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
        loop.add(at);
        return loop.stream().map(id -> id + " (" + byId.get(id).where("down_revision") + ")").collect(Collectors.joining(" → down_revision → "))
                + "; point one of these at an earlier revision";
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    public List<Revision> ordered() {
        return order;
    }

    /**
     * The revision a name means: its full id, a branch label, or a unique prefix of an id (as in Alembic). An unknown
     * name or an ambiguous prefix is refused, listing what it could mean.
     */
    public Revision get(String name) {
        Revision r = byId.get(name);
        if (r != null) {
            return r;
        }
        for (Revision labelled : order) {
            if (labelled.branchLabels().contains(name)) {
                return labelled;
            }
        }
        List<String> matches = byId.keySet().stream().filter(id -> id.startsWith(name)).sorted().toList();
        if (matches.size() == 1 && !name.isEmpty()) {
            return byId.get(matches.get(0));
        }
        if (matches.size() > 1) {
            throw new InvalidRevisionException("\"" + name + "\" is the start of several revision ids: " + matches + "; give more of the id");
        }
        throw new InvalidRevisionException("no revision \"" + name + "\"; known: " + new TreeSet<>(byId.keySet()) + labelsText() + ", head, base");
    }

    private String labelsText() {
        TreeSet<String> labels = order.stream().flatMap(r -> r.branchLabels().stream()).collect(Collectors.toCollection(TreeSet::new));
        return labels.isEmpty() ? "" : ", branch labels " + labels;
    }

    /** The revisions that name {@code id} as a down revision. */
    public List<Revision> children(String id) {
        return order.stream().filter(r -> r.downRevisions().contains(id)).toList();
    }

    /** {@code id} and every revision above it through down revisions (its branch upwards), in order. */
    public List<Revision> descendants(String id) {
        Set<String> found = new LinkedHashSet<>(List.of(get(id).id()));
        for (Revision r : order) {
            if (r.downRevisions().stream().anyMatch(found::contains)) {
                found.add(r.id());
            }
        }
        return order.stream().filter(r -> found.contains(r.id())).toList();
    }

    /** The branch of a revision: what it stands on (through down revisions) and what stands on it. */
    public Set<String> lineage(String id) {
        Set<String> ids = below(get(id).id(), Revision::downRevisions);
        descendants(id).forEach(r -> ids.add(r.id()));
        return ids;
    }

    /** {@code start} and everything reachable from it through {@code edges} (down revisions, or all dependencies). */
    private Set<String> below(String start, java.util.function.Function<Revision, List<String>> edges) {
        Set<String> ids = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String at = todo.pop();
            if (ids.add(at)) {
                todo.addAll(edges.apply(byId.get(at)));
            }
        }
        return ids;
    }

    public boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** Revisions no other revision names as its parent. */
    public List<String> heads() {
        Set<String> parents = byId.values().stream().flatMap(r -> r.downRevisions().stream()).collect(Collectors.toSet());
        return order.stream().map(Revision::id).filter(id -> !parents.contains(id)).toList();
    }

    /** The one head; several heads are refused with their names and the fix. */
    public String head() {
        List<String> heads = heads();
        if (heads.isEmpty()) {
            throw new InvalidRevisionException("no revisions found");
        }
        if (heads.size() > 1) {
            throw new InvalidRevisionException(heads.size() + " heads: " + heads.stream().map(h -> h + " (" + byId.get(h).where("revision") + ")")
                    .collect(Collectors.joining(", ")) + "; add a merge revision with down_revision: " + String.join(", ", heads));
        }
        return heads.get(0);
    }

    /** The revision and everything it needs (down revisions and {@code depends_on}, transitively), parents first. */
    public List<Revision> upTo(String id) {
        Set<String> needed = below(get(id).id(), Revision::dependencies);
        return order.stream().filter(r -> needed.contains(r.id())).toList();
    }

    /** Revisions in order between two points: those needed by {@code to} that {@code from} does not already need. */
    public List<Revision> between(String from, String to) {
        Set<String> done = from == null ? Set.of() : upTo(from).stream().map(Revision::id).collect(Collectors.toSet());
        return upTo(to).stream().filter(r -> !done.contains(r.id())).toList();
    }
}
