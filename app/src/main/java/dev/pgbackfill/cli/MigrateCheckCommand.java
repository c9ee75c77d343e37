package dev.pgbackfill.cli;

import dev.pgbackfill.job.Json;
import dev.pgbackfill.migrate.lint.Finding;
import dev.pgbackfill.migrate.lint.Linter;
import dev.pgbackfill.migrate.lint.Reports;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "For CI, without a database: one head, a downgrade for every revision, and lint rules for dangerous DDL. "
                + "Exit 0 clean (warnings allowed), 1 lint errors, 2 a broken revision graph.",
        footer = {"%nExamples:%n  pgbackfill migrate check --migrations db/migrations",
                "  pgbackfill migrate check --migrations db/migrations --format sarif > lint.sarif   # GitHub code scanning",
                "  pgbackfill migrate check --migrations db/migrations --format github             # annotations on the diff"})
public final class MigrateCheckCommand implements Callable<Integer> {
    /** How findings are printed; the summary line goes to standard error for the machine formats. */
    enum Format { text, json, sarif, github }

    @Mixin
    MigrationSources sources;

    @Option(names = "--format", defaultValue = "text", description = "text (default), json, sarif (2.1.0) or github (workflow commands).")
    Format format;

    @Option(names = "--style", description = "Also the style rules (bigint keys, identity over serial, text over varchar(n), timestamptz, "
            + "no char(n), names within 63 bytes), reported at info level; they never fail the check.")
    boolean style;

    @Override
    public Integer call() {
        RevisionGraph graph = sources.graph();
        String head = graph.head(); // several heads: exit 2 naming them
        List<Finding> findings = Linter.check(graph, style);
        PrintStream out = System.out;
        switch (format) {
            case text -> findings.forEach(f -> out.println(f.render()));
            case json -> out.println(Json.write(Reports.json(findings)));
            case sarif -> out.println(Json.write(Reports.sarif(findings, "0.1.0")));
            case github -> Reports.github(findings).forEach(out::println);
        }
        long errors = findings.stream().filter(Finding::fails).count();
        long infos = findings.stream().filter(f -> f.rule().severity() == dev.pgbackfill.migrate.lint.Rule.Severity.INFO).count();
        long warnings = findings.size() - errors - infos;
        (format == Format.text ? out : System.err).println(graph.ordered().size() + " revision(s), head " + head + ": " + errors + " error(s), "
                + warnings + " warning(s) or acknowledged" + (style ? ", " + infos + " style note(s)" : ""));
        return errors > 0 ? 1 : 0;
    }
}
