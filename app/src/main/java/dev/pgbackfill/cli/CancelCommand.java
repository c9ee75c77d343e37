package dev.pgbackfill.cli;

import picocli.CommandLine.Command;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job: workers stop within one batch; rows already done stay done.",
        footer = {"%nExample:%n  pgbackfill cancel 7 --reason \"replica lag during the sale\""})
public final class CancelCommand extends JobActionCommand {
    @Override
    String action() {
        return "cancel";
    }
}
