package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Where {@code migrate down} goes: {@code base}, {@code -N} (the last N applied) or a revision to keep. */
sealed interface DowngradeTarget {
    record Base() implements DowngradeTarget {
    }

    record Relative(int steps) implements DowngradeTarget {
    }

    record Keep(String revision) implements DowngradeTarget {
    }

    /** Parses a target as typed on the command line; refuses a missing one. */
    static DowngradeTarget parse(String target) {
        if (target == null || target.isBlank()) {
            throw new MigrationRefusedException("migrate down needs a target: a revision id, -1 (the last one) or base");
        }
        if (target.equalsIgnoreCase("base")) {
            return new Base();
        }
        if (target.matches("-\\d+")) {
            return new Relative(Integer.parseInt(target.substring(1)));
        }
        return new Keep(target);
    }

    /** The applied revisions this target reverts, in graph order (they are reverted in the reverse order). */
    default List<Revision> toRevert(RevisionGraph graph, Map<String, VersionRow> rows) {
        List<Revision> applied = graph.ordered().stream().filter(r -> rows.containsKey(r.id())).toList();
        return switch (this) {
            case Base b -> applied;
            case Relative(int n) -> {
                if (n > applied.size()) {
                    throw new MigrationRefusedException("migrate down -" + n + ": only " + applied.size() + " revision(s) are applied");
                }
                yield applied.subList(applied.size() - n, applied.size());
            }
            case Keep(String revision) -> {
                String keepId = graph.get(revision).id();
                if (!rows.containsKey(keepId)) {
                    throw new MigrationRefusedException("revision " + keepId + " is not applied; applied: "
                            + applied.stream().map(Revision::id).toList() + "; nothing was changed");
                }
                Set<String> keep = graph.upTo(keepId).stream().map(Revision::id).collect(Collectors.toSet());
                yield applied.stream().filter(r -> !keep.contains(r.id())).toList();
            }
        };
    }
}
