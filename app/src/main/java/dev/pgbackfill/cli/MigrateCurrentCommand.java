package dev.pgbackfill.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "current", mixinStandardHelpOptions = true, description = "The database's current revisions: applied, and no applied revision on them.",
        footer = {"%nExample:%n  pgbackfill migrate current --db $DB --migrations db/migrations"})
public final class MigrateCurrentCommand implements Callable<Integer> {
    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        try (MigrateContext ctx = options.open(options.settings(), 0, false, System.err)) {
            ctx.migrator.current().forEach(System.out::println);
        }
        return 0;
    }
}
