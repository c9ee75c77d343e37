package dev.pgbackfill.cli;

import picocli.CommandLine.Command;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a paused (or failed) job from its checkpoints.",
        footer = {"%nExample:%n  pgbackfill resume 7 --reason \"replica lag during the sale\""})
public final class ResumeCommand extends JobActionCommand {
    @Override
    String action() {
        return "resume";
    }
}
