package dev.pgbackfill.cli;

import dev.pgbackfill.job.Json;
import dev.pgbackfill.migrate.run.HistoryEntry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Every phase applied and every revision reverted, oldest first, with when and by whom.",
        footer = {"%nExample:%n  pgbackfill migrate history --db $DB --migrations db/migrations"})
public final class MigrateHistoryCommand implements Callable<Integer> {
    @Option(names = "--json", description = "A JSON array.")
    boolean json;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
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
