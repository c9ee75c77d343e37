package dev.pgbackfill.migrate.offline;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.Target;
import dev.pgbackfill.migrate.revision.Targets;
import dev.pgbackfill.migrate.revision.Traversal;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.step.Step;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code migrate sql [FROM:]TO}: the statements {@code migrate up/down} would run, without a database (Alembic's
 * {@code --sql} mode), as a script a DBA runs as is ({@code psql -v ON_ERROR_STOP=1 -f}). It creates the control
 * tables it records into when they are missing; each revision's version and history rows commit in the same
 * transaction as its last transactional statements (right after its last statement when that one must run outside a
 * transaction), so the script stops with the database and its record in step; backfills appear as the job they
 * launch. Run on a fresh database it gives the same schema and the same {@code migrate status} as {@code migrate up}.
 */
public final class OfflineSql {
    private OfflineSql() {
    }

    public static String render(RevisionGraph graph, String range, MigrateSettings settings) {
        int colon = range.indexOf(':');
        String from = colon < 0 ? "base" : range.substring(0, colon);
        String to = colon < 0 ? range : range.substring(colon + 1);
        // the range starts where FROM has everything it needs applied, and goes to TO as migrate up/down would
        Set<String> applied = Traversal.toApply(graph, Set.of(), new Targets(graph, Set.of()).resolve(from)).stream().map(Revision::id)
                .collect(Collectors.toSet());
        Target target = new Targets(graph, applied).resolve(to);
        List<Revision> up = Traversal.toApply(graph, applied, target);
        boolean downgrade = up.isEmpty() && !applied.isEmpty();
        ScriptWriter out = new ScriptWriter(settings);
        out.prelude("pgbackfill migrate sql " + range + (downgrade ? " (downgrade)" : " (upgrade)"));
        if (downgrade) {
            for (Revision r : Traversal.toRevert(graph, applied, target)) {
                out.comment("\nRevision " + r.id() + " down: " + r.message() + " (" + r.source() + ")");
                out.steps(r.downgradeSteps(), out.downRecord(r));
            }
        } else {
            up.forEach(r -> upgrade(out, r, settings));
        }
        return out.toString();
    }

    private static void upgrade(ScriptWriter out, Revision r, MigrateSettings settings) {
        out.comment("\nRevision " + r.id() + ": " + r.message() + " (" + r.source() + ")");
        List<Phase> phases = r.upgradeSteps(settings.allowDestructive()).stream().map(Step::phase).distinct().toList();
        for (Phase phase : phases) {
            out.comment("phase " + phase + (phase == Phase.CONTRACT ? " (after the application deploy; only once the backfills SUCCEEDED)" : ""));
            boolean last = phase == phases.getLast();
            out.steps(r.upgradeSteps(settings.allowDestructive(), phase), last ? out.upRecord(r, phases) : List.of());
        }
        if (phases.isEmpty()) {
            out.steps(List.of(), out.upRecord(r, List.of(Phase.CONTRACT)));
        }
    }
}
