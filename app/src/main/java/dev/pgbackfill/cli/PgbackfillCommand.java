package dev.pgbackfill.cli;

import picocli.CommandLine.Command;

/** The top command; its subcommands are added by {@link Subcommands}. */
@Command(name = "pgbackfill", mixinStandardHelpOptions = true, version = "pgbackfill 0.1.0",
        description = "Distributed, throttled, checkpointed batch backfills for PostgreSQL.",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {"  test         Run the full test suite (from a source checkout: ./pgbackfill test)",
                "",
                "Connection: --db (PGBACKFILL_DB_URL, PGBACKFILL_DB_USER, PGBACKFILL_DB_PASSWORD), --kafka (PGBACKFILL_KAFKA);",
                "coordinator API: --url (PGBACKFILL_URL), --token (PGBACKFILL_TOKEN).",
                "Exit codes: 0 done, 1 job failed or cancelled, 2 invalid input (nothing changed), 3 unreachable service."})
public final class PgbackfillCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
