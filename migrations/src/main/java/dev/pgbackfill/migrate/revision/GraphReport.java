package dev.pgbackfill.migrate.revision;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The revision graph in words, as Alembic's {@code history}, {@code heads}, {@code branches} and {@code show} print it. */
public final class GraphReport {
    private final RevisionGraph graph;

    public GraphReport(RevisionGraph graph) {
        this.graph = graph;
    }

    /** {@code down -> id (head) (branchpoint), message}, newest first; {@code range} {@code A:B} (either side optional) or null. */
    public List<String> history(String range, boolean verbose) {
        List<Revision> shown = new ArrayList<>(range == null ? graph.ordered() : inRange(range));
        Collections.reverse(shown);
        return shown.stream().map(r -> verbose ? verbose(r) : line(r)).toList();
    }

    private List<Revision> inRange(String range) {
        int colon = range.indexOf(':');
        String from = colon < 0 ? "base" : range.substring(0, colon).strip();
        String to = colon < 0 ? range : range.substring(colon + 1).strip();
        // as Alembic's iterate_revisions: what the upper end stands on that stands on the lower end, both included
        Set<String> above = from.isEmpty() || from.equals("base") ? null
                : graph.descendants(graph.get(from).id()).stream().map(Revision::id).collect(Collectors.toSet());
        List<String> tops = to.isEmpty() || to.equals("heads") || to.equals("head") ? graph.heads() : List.of(graph.get(to).id());
        Set<String> upTo = tops.stream().flatMap(t -> graph.upTo(t).stream()).map(Revision::id).collect(Collectors.toSet());
        return graph.ordered().stream().filter(r -> upTo.contains(r.id()) && (above == null || above.contains(r.id()))).toList();
    }

    public String line(Revision r) {
        String down = r.downRevisions().isEmpty() ? "<base>" : String.join(", ", r.downRevisions());
        return down + " -> " + r.id() + markers(r) + ", " + r.message();
    }

    private String markers(Revision r) {
        StringBuilder m = new StringBuilder();
        if (graph.heads().contains(r.id())) {
            m.append(" (head)");
        }
        if (graph.children(r.id()).size() > 1) {
            m.append(" (branchpoint)");
        }
        if (r.downRevisions().size() > 1) {
            m.append(" (mergepoint)");
        }
        if (!r.branchLabels().isEmpty()) {
            m.append(" (").append(String.join(", ", new java.util.TreeSet<>(r.branchLabels()))).append(")");
        }
        return m.toString();
    }

    /** Every field of a revision, as {@code show} prints it. */
    public String verbose(Revision r) {
        return "Rev: " + r.id() + markers(r) + "\n"
                + "Parent: " + (r.downRevisions().isEmpty() ? "<base>" : String.join(", ", r.downRevisions())) + "\n"
                + (r.dependsOn().isEmpty() ? "" : "Also depends on: " + String.join(", ", r.dependsOn()) + "\n")
                + (graph.children(r.id()).isEmpty() ? "" : "Branches into: " + graph.children(r.id()).stream().map(Revision::id)
                        .collect(Collectors.joining(", ")) + "\n")
                + "Path: " + r.source() + "\n\n    " + r.message() + "\n";
    }

    /** One line per head. */
    public List<String> heads() {
        return graph.heads().stream().map(graph::get).map(this::line).toList();
    }

    /** Each branch point and the revisions it branches into. */
    public List<String> branches() {
        return graph.ordered().stream().filter(r -> graph.children(r.id()).size() > 1)
                .map(r -> line(r) + "\n" + graph.children(r.id()).stream().map(c -> "    -> " + line(c)).collect(Collectors.joining("\n")))
                .toList();
    }
}
