package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.run.MigrateSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Upgrade to TARGET (default head), phase by phase: expand, backfill (pgbackfill jobs), contract.",
        footer = {"%nExamples:%n  pgbackfill migrate up --db $DB --migrations db/migrations --phase expand   # before the deploy",
                "  pgbackfill migrate up --db $DB --migrations db/migrations --phase backfill",
                "  pgbackfill migrate up --db $DB --migrations db/migrations                  # after the deploy: contract",
                "  pgbackfill migrate up 004 --db $DB --examples"})
public final class MigrateUpCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "TARGET", description = "head (default), heads, a revision id or prefix, a branch label, +N, rev+N, label@head.")
    String target;

    @Option(names = "--phase", description = "Run phases up to and including this one: expand, backfill or contract (default).")
    String phase;

    @Option(names = "--finalize", description = "Finish unfinished backfills in-line instead of refusing the contract phase.")
    boolean finalize;

    @Option(names = "--no-wait", description = "Launch backfills for the workers of a running cluster (needs --kafka) and do not wait for them.")
    boolean noWait;

    @Option(names = "--allow-destructive", description = "dropTable drops the table instead of renaming it to _<table>_backup.")
    boolean allowDestructive;

    @Option(names = "--verbose", description = "Stack traces and debug logs.")
    boolean verbose;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        Phase upTo = phase == null ? Phase.CONTRACT : Phase.parse("phase", phase);
        if (noWait && !options.kafka.given()) {
            throw new InvalidInputException("no-wait", "--no-wait leaves backfills to a running cluster's workers: give that cluster's --kafka");
        }
        MigrateSettings settings = options.settings().withAllowDestructive(allowDestructive).withWaitForBackfills(!noWait);
        try (MigrateContext ctx = options.open(settings, noWait ? 0 : options.run.workers, false, System.out)) {
            ctx.migrator.up(target, upTo, finalize);
            System.out.println("current: " + ctx.migrator.current());
        }
        return 0;
    }
}
