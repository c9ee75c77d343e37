package dev.pgbackfill.cli;

import dev.pgbackfill.migrate.lint.Finding;
import dev.pgbackfill.migrate.lint.Linter;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "For CI, without a database: one head, a downgrade for every revision, and lint rules for dangerous DDL. "
                + "Exit 0 clean (warnings allowed), 1 lint errors, 2 a broken revision graph.",
        footer = {"%nExample:%n  pgbackfill migrate check --migrations db/migrations"})
public final class MigrateCheckCommand implements Callable<Integer> {
    @Mixin
    MigrationSources sources;

    @Override
    public Integer call() {
        RevisionGraph graph = sources.graph();
        String head = graph.head(); // several heads: exit 2 naming them
        List<Finding> findings = Linter.check(graph);
        findings.forEach(f -> System.out.println(f.render()));
        long errors = findings.stream().filter(Finding::fails).count();
        long warnings = findings.size() - errors;
        System.out.println(graph.ordered().size() + " revision(s), head " + head + ": " + errors + " error(s), " + warnings + " warning(s) or acknowledged");
        return errors > 0 ? 1 : 0;
    }
}
