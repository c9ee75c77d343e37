package dev.pgbackfill.migrate.revision;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Alembic's target syntax: {@code head}, {@code heads}, {@code base}, a full id, a unique prefix of one, a branch
 * label; relative steps {@code +N} / {@code -N} from the current revision, {@code rev+N} / {@code rev-N} from a
 * revision, {@code base+N}, {@code head-N}; and a branch in front, {@code label@head}, {@code label@-1},
 * {@code label@rev}. A relative walk that could go more than one way (several current heads, a merge below, two
 * children above) is refused, naming the choices and an unambiguous spelling.
 */
public final class Targets {
    private static final Pattern RELATIVE = Pattern.compile("(.*?)([+-])(\\d+)");

    private final RevisionGraph graph;
    /** Revisions recorded in the database (complete or not): where relative walks start. */
    private final Set<String> applied;

    public Targets(RevisionGraph graph, Set<String> applied) {
        this.graph = graph;
        this.applied = applied;
    }

    public Target resolve(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new InvalidRevisionException("no target given: say head, heads, base, a revision id, a branch label or -1");
        }
        int at = t.indexOf('@');
        if (at > 0) {
            Revision branch = graph.get(t.substring(0, at));
            return within(branch, t.substring(at + 1), t);
        }
        return plain(t, null, t);
    }

    /** A target inside one branch: the walk is limited to its lineage, and so is what a downgrade reverts. */
    private Target within(Revision branch, String rest, String text) {
        return switch (plain(rest, branch, text)) {
            case Target.Revisions r -> new Target.Revisions(r.ids(), branch.id());
            case Target.Base b -> new Target.Base(branch.id());
        };
    }

    private Target plain(String t, @Nullable Revision branch, String text) {
        Set<String> lineage = branch == null ? null : graph.lineage(branch.id());
        switch (t) {
            case "base" -> {
                return new Target.Base();
            }
            case "heads" -> {
                return new Target.Revisions(graph.heads(), null);
            }
            case "head" -> {
                return new Target.Revisions(List.of(branch == null ? graph.head() : branchHead(branch, text)), null);
            }
            default -> {
            }
        }
        Matcher m = RELATIVE.matcher(t);
        if (!m.matches() || graph.contains(t)) {
            return new Target.Revisions(List.of(graph.get(t).id()), null);
        }
        int steps = Integer.parseInt(m.group(3)) * (m.group(2).equals("+") ? 1 : -1);
        String start = switch (m.group(1)) {
            case "" -> current(lineage, text);
            case "base" -> null;
            case "head" -> branch == null ? graph.head() : branchHead(branch, text);
            default -> graph.get(m.group(1)).id();
        };
        return walk(start, steps, lineage, text);
    }

    /** The one applied revision with no applied revision above it (in the lineage, when given); null at base. */
    private @Nullable String current(@Nullable Set<String> lineage, String text) {
        List<String> heads = graph.ordered().stream().map(Revision::id)
                .filter(id -> applied.contains(id) && (lineage == null || lineage.contains(id)))
                .filter(id -> graph.children(id).stream().noneMatch(c -> applied.contains(c.id()) && (lineage == null || lineage.contains(c.id()))))
                .toList();
        if (heads.size() > 1) {
            String steps = text.substring(text.indexOf('@') + 1);
            throw new InvalidRevisionException("\"" + text + "\" is ambiguous: the database is at " + heads.size() + " heads " + heads
                    + "; say which: " + heads.stream().map(h -> h + steps).collect(Collectors.joining(" or "))
                    + ", or name a branch: <label>@" + steps);
        }
        return heads.isEmpty() ? null : heads.get(0);
    }

    /** Walks {@code steps} revisions up (positive) or down from {@code start} (null: base), one way only. */
    private Target walk(@Nullable String start, int steps, @Nullable Set<String> lineage, String text) {
        String at = start;
        for (int i = 0; i < Math.abs(steps); i++) {
            List<String> next = steps > 0 ? above(at, lineage) : below(at);
            if (next.isEmpty()) {
                if (steps < 0 && at != null && i == Math.abs(steps) - 1) {
                    return new Target.Base(); // one below a first revision is base
                }
                int possible = steps < 0 && at != null ? i + 1 : i;
                throw new InvalidRevisionException("relative target \"" + text + "\" goes past " + (steps < 0 || at == null ? "base" : at)
                        + ": only " + possible + " of its " + Math.abs(steps) + " step(s) exist; nothing was changed");
            }
            if (next.size() > 1) {
                throw new InvalidRevisionException("relative target \"" + text + "\" is ambiguous at " + (at == null ? "base" : at) + ": "
                        + (steps > 0 ? "it leads up to " : "it is a merge of ") + next + "; name the revision, or use label@" + (steps > 0 ? "+" : "-")
                        + Math.abs(steps) + " for one branch");
            }
            at = next.get(0);
        }
        return at == null ? new Target.Base() : new Target.Revisions(List.of(at), null);
    }

    private List<String> above(@Nullable String at, @Nullable Set<String> lineage) {
        List<Revision> candidates = at == null ? graph.ordered().stream().filter(r -> r.downRevisions().isEmpty()).toList() : graph.children(at);
        return candidates.stream().map(Revision::id).filter(id -> lineage == null || lineage.contains(id)).toList();
    }

    private List<String> below(@Nullable String at) {
        return at == null ? List.of() : graph.get(at).downRevisions();
    }

    /** The head of a branch: the one head that stands on the labelled revision. */
    private String branchHead(Revision branch, String text) {
        Set<String> above = graph.descendants(branch.id()).stream().map(Revision::id).collect(Collectors.toSet());
        List<String> heads = new ArrayList<>(graph.heads().stream().filter(above::contains).toList());
        if (heads.size() != 1) {
            throw new InvalidRevisionException("\"" + text + "\": the branch of " + branch.id() + " has " + heads.size() + " heads " + heads
                    + "; name one of them");
        }
        return heads.get(0);
    }
}
