package dev.pgbackfill.cli;

import dev.pgbackfill.migrate.run.ReversibilityCheck;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "test-reversible", mixinStandardHelpOptions = true,
        description = "head → base → head, then each revision up → down → up, comparing catalog snapshots. Needs a scratch "
                + "database at base; without --db it uses a throwaway embedded PostgreSQL. Exit 1 on any difference.",
        footer = {"%nExample:%n  pgbackfill migrate test-reversible --migrations db/migrations"})
public final class MigrateTestReversibleCommand implements Callable<Integer> {
    @Option(names = "--verbose", description = "Stack traces and debug logs.")
    boolean verbose;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        try (MigrateContext ctx = options.open(options.settings(), options.run.workers, true, System.out)) {
            List<ReversibilityCheck.Problem> problems = new ReversibilityCheck(ctx.database.dataSource(), ctx.migrator, System.out::println).run();
            if (problems.isEmpty()) {
                System.out.println("reversible: every downgrade restored the catalog exactly (" + ctx.migrator.graph().ordered().size() + " revisions)");
                return 0;
            }
            System.out.println(problems.size() + " difference(s): see above");
            return 1;
        }
    }
}
