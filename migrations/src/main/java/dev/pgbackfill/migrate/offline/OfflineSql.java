package dev.pgbackfill.migrate.offline;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.op.Names;
import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.Target;
import dev.pgbackfill.migrate.revision.Targets;
import dev.pgbackfill.migrate.revision.Traversal;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code migrate sql [FROM:]TO}: the statements {@code migrate up/down} would run, without a database (Alembic's
 * {@code --sql} mode), for review or for a DBA to run. Transactions are spelled out, statements that must run
 * outside one are marked, conditional ones are shown as comments, and backfills as the job they launch.
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
        StringBuilder out = new StringBuilder();
        out.append("-- pgbackfill migrate sql ").append(range).append(downgrade ? " (downgrade)" : " (upgrade)")
                .append(", scope ").append(settings.scope()).append('\n');
        out.append("SET lock_timeout = '").append(settings.lockTimeout().toMillis()).append("ms';\n");
        out.append("SET statement_timeout = '").append(settings.statementTimeout().toMillis()).append("ms';\n");
        if (downgrade) {
            downgrade(out, Traversal.toRevert(graph, applied, target), settings);
        } else {
            upgrade(out, up, settings);
        }
        return out.toString();
    }

    private static void downgrade(StringBuilder out, List<Revision> newestFirst, MigrateSettings settings) {
        for (Revision r : newestFirst) {
            out.append("\n-- Revision ").append(r.id()).append(" down: ").append(r.message()).append(" (").append(r.source()).append(")\n");
            render(out, r.downgradeSteps());
            out.append("DELETE FROM pgbackfill.migration_version WHERE scope = ").append(Names.literal(settings.scope()))
                    .append(" AND revision = ").append(Names.literal(r.id())).append(";\n");
        }
    }

    private static void upgrade(StringBuilder out, List<Revision> revisions, MigrateSettings settings) {
        for (Revision r : revisions) {
            out.append("\n-- Revision ").append(r.id()).append(": ").append(r.message()).append(" (").append(r.source()).append(")\n");
            for (Phase phase : Phase.values()) {
                List<Step> steps = r.upgradeSteps(settings.allowDestructive(), phase);
                if (steps.isEmpty()) {
                    continue;
                }
                out.append("-- phase ").append(phase).append(phase == Phase.CONTRACT ? " (after the application deploy; only once the backfills SUCCEEDED)" : "")
                        .append('\n');
                render(out, steps);
            }
            out.append("INSERT INTO pgbackfill.migration_version (scope, revision, phase_done) VALUES (").append(Names.literal(settings.scope()))
                    .append(", ").append(Names.literal(r.id())).append(", 'contract') ON CONFLICT (scope, revision) DO UPDATE SET phase_done = 'contract';\n");
        }
    }

    private static void render(StringBuilder out, List<Step> steps) {
        boolean open = false;
        for (Step step : steps) {
            if (step instanceof SqlStep q && q.tx() == Tx.GROUP) {
                if (!open) {
                    out.append("BEGIN;\n");
                    open = true;
                }
                statement(out, q);
                continue;
            }
            if (open) {
                out.append("COMMIT;\n");
                open = false;
            }
            switch (step) {
                case BackfillStep b -> out.append("-- backfill (a pgbackfill job; wait for SUCCEEDED):\n--   ").append(b.commandLine()).append('\n');
                case SqlStep q when q.tx() == Tx.OWN -> {
                    out.append("BEGIN;\n");
                    statement(out, q);
                    out.append("COMMIT;\n");
                }
                case SqlStep q -> {
                    out.append("-- outside a transaction block:\n");
                    statement(out, q);
                }
            }
        }
        if (open) {
            out.append("COMMIT;\n");
        }
    }

    private static void statement(StringBuilder out, SqlStep q) {
        if (q.repair() != null) {
            out.append("-- only when ").append(q.repair().condition()).append(":\n--   ").append(q.repair().sql()).append(";\n");
        }
        // a statement whose last line is a comment would swallow the terminator
        String last = q.sql().substring(q.sql().lastIndexOf('\n') + 1);
        out.append(q.sql()).append(last.contains("--") ? "\n;\n" : ";\n");
    }
}
