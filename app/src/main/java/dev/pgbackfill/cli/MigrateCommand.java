package dev.pgbackfill.cli;

import picocli.CommandLine.Command;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Versioned schema migrations (Alembic semantics) with expand / backfill / contract phases and safe DDL.",
        subcommands = {MigrateUpCommand.class, MigrateDownCommand.class, MigrateSqlCommand.class, MigrateStatusCommand.class,
                MigrateHistoryCommand.class, MigrateCheckCommand.class, MigrateTestReversibleCommand.class, MigrateStampCommand.class,
                MigrateAdoptCommand.class, MigrateRevisionCommand.class, MigrateMergeCommand.class, MigrateGraphCommand.Heads.class,
                MigrateGraphCommand.Branches.class, MigrateGraphCommand.Show.class, MigrateCurrentCommand.class},
        commandListHeading = "%nCommands:%n",
        footer = {"%nRevisions come from --migrations DIR (SQL files), --jar FILE (Java revisions) or --examples.",
                "Examples:",
                "  pgbackfill migrate check --migrations db/migrations",
                "  pgbackfill migrate up --db $DB --migrations db/migrations --phase expand",
                "  pgbackfill migrate status --db $DB --migrations db/migrations",
                "See docs/migrations.md."})
public final class MigrateCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
