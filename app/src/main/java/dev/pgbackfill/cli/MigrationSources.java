package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.examples.Examples;
import dev.pgbackfill.migrate.revision.JavaRevisions;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the revisions come from: SQL folders, jars of Java revisions, the shipped examples. */
public final class MigrationSources {
    @Option(names = "--migrations", paramLabel = "DIR", description = "A folder of SQL-file revisions (repeatable).")
    List<Path> folders = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "FILE", description = "A jar of Java revisions listed in META-INF/services/dev.pgbackfill.migrate.Migration (repeatable).")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--examples", description = "The example set that ships with pgbackfill (001–009).")
    boolean examples;

    @Option(names = "--scope", defaultValue = "default",
            description = "Which revision history in pgbackfill.migration_version (default ${DEFAULT-VALUE}); separate sets keep separate scopes.")
    String scope;

    /** The graph when any source was given, else null (the coordinator then shows history only). */
    RevisionGraph graphIfGiven() {
        return folders.isEmpty() && jars.isEmpty() && !examples ? null : graph();
    }

    RevisionGraph graph() {
        List<Revision> revisions = new ArrayList<>();
        if (examples) {
            revisions.addAll(Examples.revisions());
        }
        folders.forEach(f -> revisions.addAll(SqlRevisionParser.directory(f)));
        jars.forEach(j -> revisions.addAll(JavaRevisions.jar(j)));
        if (folders.isEmpty() && jars.isEmpty() && !examples) {
            throw new InvalidInputException("migrations", "no revisions given: pass --migrations DIR (SQL files), --jar FILE (Java revisions) or --examples");
        }
        if (scope == null || !scope.matches("[A-Za-z0-9_.-]{1,63}")) {
            throw new InvalidInputException("scope", "--scope must be 1-63 letters, digits, '_', '.' or '-', got \"" + scope + "\"");
        }
        return RevisionGraph.of(revisions);
    }
}
