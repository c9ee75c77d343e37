package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.RevisionTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Write a merge revision whose down_revision is every head (or the revisions named), like alembic merge.",
        footer = {"%nExample:%n  pgbackfill migrate merge -m \"merge billing into main\" heads --migrations db/migrations"})
public final class MigrateMergeCommand implements Callable<Integer> {
    @Option(names = "-m", required = true, description = "The message.")
    String message;

    @Option(names = "--java", description = "Write a Java revision instead of a SQL file.")
    boolean java;

    @Parameters(arity = "1..*", paramLabel = "REV", description = "heads, or the revisions to merge.")
    List<String> revisions = new ArrayList<>();

    @Mixin
    MigrationSources sources;

    @Override
    public Integer call() throws Exception {
        if (sources.folders.isEmpty()) {
            throw new InvalidInputException("migrations", "migrate merge writes into --migrations DIR; name the folder");
        }
        RevisionGraph graph = sources.graph();
        List<String> parents = revisions.equals(List.of("heads")) ? graph.heads() : revisions.stream().map(r -> graph.get(r).id()).toList();
        if (parents.size() < 2) {
            throw new InvalidInputException("revisions", "a merge needs two revisions or more; the graph has " + graph.heads().size() + " head(s): "
                    + graph.heads());
        }
        System.out.println(MigrateRevisionCommand.write(sources.folders.get(0), new RevisionTemplate(RevisionTemplate.freshId(), parents, message,
                Set.of(), List.of()), java));
        return 0;
    }
}
