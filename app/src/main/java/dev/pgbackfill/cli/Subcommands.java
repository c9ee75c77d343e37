package dev.pgbackfill.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The subcommands of {@code pgbackfill}, added to the command line lazily.
 *
 * <p>Why not picocli's {@code subcommands} attribute: picocli reflects over every option of every command it is
 * given, and for all of them that is about a fifth of a second of a client command's start. A command line holds
 * only the subcommand it runs; {@code --help}, an unknown name or no name at all gets every one.
 */
final class Subcommands {
    private static final Map<String, Supplier<Object>> BUILT_IN = builtIn();

    private Subcommands() {
    }

    /** The command line for {@code args}: the top command and the subcommand {@code args[0]} names, or all of them. */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new PgbackfillCommand());
        String first = args.length == 0 ? "" : args[0];
        Supplier<Object> named = BUILT_IN.get(first);
        if (named != null) {
            return cli.addSubcommand(first, named.get());
        }
        BUILT_IN.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        for (CommandExtension extension : ServiceLoader.load(CommandExtension.class)) {
            cli.addSubcommand(extension.name(), extension.newCommand());
        }
        return cli;
    }

    private static Map<String, Supplier<Object>> builtIn() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("demo", DemoCommand::new);
        commands.put("run", RunCommand::new);
        commands.put("launch", LaunchCommand::new);
        commands.put("status", StatusCommand::new);
        commands.put("pause", PauseCommand::new);
        commands.put("resume", ResumeCommand::new);
        commands.put("cancel", CancelCommand::new);
        commands.put("throttle", ThrottleCommand::new);
        commands.put("coordinator", CoordinatorCommand::new);
        commands.put("worker", WorkerCommand::new);
        commands.put("migrate", MigrateCommand::new);
        commands.put("train-cache", TrainCacheCommand::new);
        return commands;
    }
}
