package dev.pgbackfill.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Downgrade to TARGET, reverting only what stands on it (never another branch): a revision id or unique prefix, "
                + "-1 (one down from the current head; refused when there are several heads: say rev-1 or label@-1), rev-N, "
                + "label@rev, or base.",
        footer = {"%nExamples:%n  pgbackfill migrate down -1 --db $DB --migrations db/migrations",
                "  pgbackfill migrate down 004 --db $DB --examples"})
public final class MigrateDownCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "A revision id or prefix, -N, rev-N, label@-N, label@rev or base.")
    String target;

    @Option(names = "--verbose", description = "Stack traces and debug logs.")
    boolean verbose;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        try (MigrateContext ctx = options.open(options.settings(), options.run.workers, false, System.out)) {
            ctx.migrator.down(target);
            System.out.println("current: " + ctx.migrator.current());
        }
        return 0;
    }
}
