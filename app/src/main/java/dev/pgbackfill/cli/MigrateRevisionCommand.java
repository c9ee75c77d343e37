package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.RevisionTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "revision", mixinStandardHelpOptions = true,
        description = "Write a new revision file on the current head (like alembic revision): a fresh id, down_revision, and an upgrade and "
                + "downgrade to fill in.",
        footer = {"%nExamples:%n  pgbackfill migrate revision -m \"users: add email_new\" --migrations db/migrations",
                "  pgbackfill migrate revision -m \"billing tables\" --head base --branch-label billing --migrations db/migrations"})
public final class MigrateRevisionCommand implements Callable<Integer> {
    @Option(names = "-m", required = true, description = "The message.")
    String message;

    @Option(names = "--java", description = "Write a Java revision (a Migration class) instead of a SQL file.")
    boolean java;

    @Option(names = "--head", description = "The revision to build on (default: the single head; base starts a new branch).")
    String head;

    @Option(names = "--branch-label", description = "A name for the branch this revision starts or continues.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--depends-on", description = "A revision that must be applied first without merging its branch (repeatable).")
    List<String> dependsOn = new ArrayList<>();

    @Mixin
    MigrationSources sources;

    @Override
    public Integer call() throws Exception {
        if (sources.folders.isEmpty()) {
            throw new InvalidInputException("migrations", "migrate revision writes into --migrations DIR; name the folder");
        }
        RevisionGraph graph = sources.folders.stream().allMatch(Files::isDirectory) ? sources.graph() : RevisionGraph.of(List.of());
        List<String> down = "base".equals(head) || (head == null && graph.isEmpty()) ? List.of()
                : List.of(head == null ? graph.head() : graph.get(head).id()); // several heads: refused, naming them
        List<String> deps = dependsOn.stream().map(d -> graph.get(d).id()).toList();
        System.out.println(write(sources.folders.get(0), new RevisionTemplate(RevisionTemplate.freshId(), down, message, Set.copyOf(labels), deps), java));
        return 0;
    }

    /** Writes the revision's file; returns its path. */
    static Path write(Path folder, RevisionTemplate t, boolean java) throws Exception {
        Files.createDirectories(folder);
        String className = "R" + t.baseName().replaceAll("_(.)", "$1");
        Path file = folder.resolve(java ? className + ".java" : t.baseName() + ".sql");
        Files.writeString(file, java ? t.java(className) : t.sql(), StandardOpenOption.CREATE_NEW);
        return file;
    }
}
