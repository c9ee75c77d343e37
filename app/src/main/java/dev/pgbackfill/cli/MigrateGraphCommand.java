package dev.pgbackfill.cli;

import dev.pgbackfill.migrate.revision.GraphReport;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The revision graph read without a database: {@code heads}, {@code branches}, {@code show REV}. */
final class MigrateGraphCommand {
    private MigrateGraphCommand() {
    }

    @Command(name = "heads", mixinStandardHelpOptions = true, description = "The revisions no other revision builds on (like alembic heads).")
    static final class Heads implements Callable<Integer> {
        @Mixin
        MigrationSources sources;

        @Override
        public Integer call() {
            new GraphReport(sources.graph()).heads().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "branches", mixinStandardHelpOptions = true, description = "Each branch point and the revisions it branches into.")
    static final class Branches implements Callable<Integer> {
        @Mixin
        MigrationSources sources;

        @Override
        public Integer call() {
            new GraphReport(sources.graph()).branches().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One revision: parents, dependencies, children, file, message.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "REV", description = "A revision id, unique prefix, branch label or head.")
        String revision;

        @Mixin
        MigrationSources sources;

        @Override
        public Integer call() {
            RevisionGraph graph = sources.graph();
            System.out.print(new GraphReport(graph).verbose(graph.get(revision.equals("head") ? graph.head() : revision)));
            return 0;
        }
    }
}
