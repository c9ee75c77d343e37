package dev.pgbackfill.cli;

/** Adds {@code bench} to the demo jar's command line: a development tool, left out of the production jar. */
public final class BenchExtension implements CommandExtension {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Object newCommand() {
        return new BenchCommand();
    }
}
