package dev.pgbackfill.cli;

/**
 * A subcommand that another jar on the class path adds to {@code pgbackfill}, found by {@link java.util.ServiceLoader}
 * (the demo jar adds {@code bench}, which the production jar leaves out).
 */
public interface CommandExtension {
    /** The subcommand's name, as typed after {@code pgbackfill}. */
    String name();

    /** A new instance of the picocli command class. */
    Object newCommand();
}
