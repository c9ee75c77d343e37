package dev.pgbackfill.cli;

import picocli.CommandLine.Command;

@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause a job: every worker stops within one batch; its chunks keep their checkpoints.",
        footer = {"%nExample:%n  pgbackfill pause 7 --reason \"replica lag during the sale\""})
public final class PauseCommand extends JobActionCommand {
    @Override
    String action() {
        return "pause";
    }
}
