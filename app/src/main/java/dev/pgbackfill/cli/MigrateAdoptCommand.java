package dev.pgbackfill.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "adopt", mixinStandardHelpOptions = true,
        description = "Take over a database that Alembic or Flyway manages: stamp the revisions with the ids it records as current, running nothing.",
        footer = {"%nExamples:%n  pgbackfill migrate adopt --from alembic --db $DB --migrations db/migrations",
                "  pgbackfill migrate adopt --from flyway --table app.flyway_schema_history --db $DB --migrations db/migrations"})
public final class MigrateAdoptCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "alembic (reads alembic_version) or flyway (reads flyway_schema_history).")
    String from;

    @Option(names = "--table", description = "The other tool's table, when not at its default name or search_path, e.g. app.alembic_version.")
    String table;

    @Mixin
    MigrateOptions options;

    @Override
    public Integer call() {
        try (MigrateContext ctx = options.open(options.settings(), 0, false, System.out)) {
            ctx.migrator.adopt(from, table);
            System.out.println("adopted; current: " + ctx.migrator.current());
        }
        return 0;
    }
}
