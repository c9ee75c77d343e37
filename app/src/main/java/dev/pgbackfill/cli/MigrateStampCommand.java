package dev.pgbackfill.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stamp", mixinStandardHelpOptions = true,
        description = "Record the database as being at TARGET without running anything (like alembic stamp): for a schema that is already there.",
        footer = {"%nExamples:%n  pgbackfill migrate stamp 004 --db $DB --migrations db/migrations",
                "  pgbackfill migrate stamp head --purge --db $DB --migrations db/migrations   # forget every record of the scope first"})
public final class MigrateStampCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "A target as migrate up/down take it: head, heads, base, an id or prefix, a label, label@head.")
    String target;

    @Option(names = "--purge", description = "Forget every record of the scope first, including revisions this set does not define.")
    boolean purge;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        try (MigrateContext ctx = options.open(options.settings(), 0, false, System.out)) {
            int n = ctx.migrator.stamp(target, purge);
            System.out.println("stamped " + n + " revision(s); current: " + ctx.migrator.current());
        }
        return 0;
    }
}
