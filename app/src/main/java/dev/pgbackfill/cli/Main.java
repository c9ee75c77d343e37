package dev.pgbackfill.cli;

import dev.pgbackfill.error.PgbackfillException;
import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;

/**
 * Entry point of the pgbackfill jar. Exit codes: 0 done, 1 job failed or cancelled (or an unexpected error),
 * 2 invalid input (nothing changed), 3 a database, broker or coordinator could not be reached.
 */
public final class Main {
    private static final Set<String> SERVICES = Set.of("coordinator", "worker", "demo");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // Long-running services log at INFO; one-shot commands only show warnings (their output is the result).
        if (System.getProperty("pgbackfill.log.level") == null) {
            System.setProperty("pgbackfill.log.level", verbose ? "DEBUG" : args.length > 0 && SERVICES.contains(args[0]) ? "INFO" : "WARN");
        }
        CommandLine cli = Subcommands.commandLine(args);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PgbackfillException known = find(e);
            if (known != null) {
                cmd.getErr().println("error: " + known.getMessage());
                if (verbose) {
                    e.printStackTrace(cmd.getErr());
                }
                return known.exitCode();
            }
            cmd.getErr().println("error: " + e);
            if (verbose) {
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("(run again with --verbose for details)");
            }
            return 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            return 2;
        });
        return cli.execute(args);
    }

    private static PgbackfillException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PgbackfillException p) {
                return p;
            }
        }
        return null;
    }
}
