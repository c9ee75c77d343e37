package dev.pgbackfill.cli;

import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.run.RevisionStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Every revision: applied, partial (which phase) or pending, with its phases and backfill jobs.",
        footer = {"%nExample:%n  pgbackfill migrate status --db $DB --migrations db/migrations --json"})
public final class MigrateStatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON object: scope, heads, current, revisions.")
    boolean json;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        try (MigrateContext ctx = options.open(options.settings(), 0, false, System.err)) {
            List<RevisionStatus> all = ctx.migrator.status();
            List<String> current = ctx.migrator.current();
            List<String> heads = ctx.migrator.graph().heads();
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("scope", options.sources.scope);
                out.put("heads", heads);
                out.put("current", current);
                out.put("revisions", all);
                System.out.println(Json.write(out));
                return 0;
            }
            System.out.println("scope " + options.sources.scope + ", head " + String.join(", ", heads) + ", current " + (current.isEmpty() ? "base" : String.join(", ", current)));
            for (RevisionStatus r : all) {
                String state = switch (r.state()) {
                    case "partial" -> "partial: " + (r.phaseDone() == null ? "expand in progress" : r.phaseDone() + " done");
                    default -> r.state();
                };
                String jobs = r.jobs().isEmpty() ? "" : "; " + r.jobs().stream().map(MigrateStatusCommand::job).collect(Collectors.joining(", "));
                System.out.printf(Locale.ROOT, "  %-6s %-26s %s%n         phases %s%s  (%s)%n", r.revision(), state, r.message(),
                        r.phases().stream().map(Phase::label).collect(Collectors.joining(" → ")), jobs, r.source());
            }
        }
        return 0;
    }

    private static String job(JobStatus s) {
        return "job " + s.id() + " " + s.state() + " " + s.rowsDone() + " rows";
    }
}
