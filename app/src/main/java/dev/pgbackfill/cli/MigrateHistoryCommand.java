package dev.pgbackfill.cli;

import dev.pgbackfill.job.Json;
import dev.pgbackfill.migrate.run.HistoryEntry;
import dev.pgbackfill.migrate.revision.GraphReport;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "The revision graph, newest first (like alembic history); --applied: the database's audit of every phase applied and "
                + "every revision reverted, with when and by whom.",
        footer = {"%nExamples:%n  pgbackfill migrate history --migrations db/migrations -r 004:head",
                "  pgbackfill migrate history --applied --db $DB --migrations db/migrations"})
public final class MigrateHistoryCommand implements Callable<Integer> {
    @Option(names = "--json", description = "A JSON array (with --applied).")
    boolean json;

    @Option(names = "-r", paramLabel = "A:B", description = "Only the revisions from A to B (either side may be left out).")
    String range;

    @Option(names = "--verbose", description = "Every field of each revision.")
    boolean verbose;

    @Option(names = "--applied", description = "The database's audit log instead of the graph (needs --db).")
    boolean applied;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        if (!applied) {
            new GraphReport(options.sources.graph()).history(range, verbose).forEach(System.out::println);
            return 0;
        }
        try (MigrateContext ctx = options.open(options.settings(), 0, false, System.err)) {
            List<HistoryEntry> history = ctx.migrator.history();
            if (json) {
                System.out.println(Json.write(history));
            } else if (history.isEmpty()) {
                System.out.println("no history in scope " + options.sources.scope);
            } else {
                for (HistoryEntry h : history) {
                    System.out.printf(Locale.ROOT, "%s  %-6s %-4s %-9s %-12s %s%n", h.at(), h.revision(), h.direction(),
                            h.phase() == null ? "" : h.phase(), h.actor(), h.detail() == null ? "" : h.detail());
                }
            }
        }
        return 0;
    }
}
