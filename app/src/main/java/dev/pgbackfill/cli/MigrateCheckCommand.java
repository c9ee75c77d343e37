package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.migrate.lint.Catalog;
import dev.pgbackfill.migrate.lint.CatalogReader;
import dev.pgbackfill.migrate.lint.LintConfig;
import dev.pgbackfill.migrate.lint.Finding;
import dev.pgbackfill.migrate.lint.Linter;
import dev.pgbackfill.migrate.lint.Reports;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Properties;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "For CI: one head, a downgrade for every revision, and lint rules for dangerous DDL; with --db also judged against "
                + "the database (read only): table sizes, partitions, existing constraints, column types, function volatility. "
                + "Exit 0 clean (warnings allowed), 1 lint errors, 2 a broken revision graph.",
        footer = {"%nExamples:%n  pgbackfill migrate check --migrations db/migrations",
                "  pgbackfill migrate check --migrations db/migrations --db $DB                    # sizes and catalog facts of pending revisions",
                "  pgbackfill migrate check --migrations db/migrations --rule prefer-jsonb=error --rule truncate=off",
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

    @Option(names = "--rule", paramLabel = "RULE=LEVEL", description = "Set one rule's level: error, warning, info or off (repeatable; "
            + "after the configuration file).")
    List<String> rules = new ArrayList<>();

    @Option(names = "--lint-config", paramLabel = "FILE", description = "Rule levels as rule-id = level lines (a properties file); default: "
            + LintConfig.FILE_NAME + " in the first --migrations folder, when there is one.")
    Path lintConfig;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "Also judge the revisions not yet applied there against its catalog "
            + "(read only; nothing is written, not even pgbackfill's control schema).")
    String db;

    @Option(names = "--db-user", defaultValue = "${env:PGBACKFILL_DB_USER}", description = "Database user (env PGBACKFILL_DB_USER).")
    String user;

    @Option(names = "--db-password", defaultValue = "${env:PGBACKFILL_DB_PASSWORD}", description = "Database password (env PGBACKFILL_DB_PASSWORD).")
    String password;

    @Override
    public Integer call() {
        RevisionGraph graph = sources.graph();
        String head = graph.head(); // several heads: exit 2 naming them
        List<Finding> findings = Linter.check(graph, config(), catalog());
        PrintStream out = System.out;
        switch (format) {
            case text -> findings.forEach(f -> out.println(f.render()));
            case json -> out.println(Json.write(Reports.json(findings)));
            case sarif -> out.println(Json.write(Reports.sarif(findings, "0.1.0")));
            case github -> Reports.github(findings).forEach(out::println);
        }
        long errors = findings.stream().filter(Finding::fails).count();
        long infos = findings.stream().filter(f -> f.severity() == dev.pgbackfill.migrate.lint.Rule.Severity.INFO).count();
        long warnings = findings.size() - errors - infos;
        (format == Format.text ? out : System.err).println(graph.ordered().size() + " revision(s), head " + head + ": " + errors + " error(s), "
                + warnings + " warning(s) or acknowledged" + (style || infos > 0 ? ", " + infos + " info note(s)" : ""));
        return errors > 0 ? 1 : 0;
    }

    private LintConfig config() {
        LintConfig config = LintConfig.defaults().withStyle(style);
        Path file = lintConfig;
        if (file == null && !sources.folders.isEmpty() && Files.isRegularFile(sources.folders.get(0).resolve(LintConfig.FILE_NAME))) {
            file = sources.folders.get(0).resolve(LintConfig.FILE_NAME);
        }
        if (file != null) {
            config = config.withFile(file);
        }
        for (String rule : rules) {
            config = config.with(rule);
        }
        return config;
    }

    /** One plain connection, not a pool: the check is a client command (ClientFootprintTest). */
    private Catalog catalog() {
        if (db == null || db.isBlank()) {
            return Catalog.NONE;
        }
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "pgbackfill migrate check");
        props.setProperty("options", "-c statement_timeout=30000 -c lock_timeout=2000");
        try (Connection c = DriverManager.getConnection(db, props)) {
            return CatalogReader.read(c, sources.scope);
        } catch (SQLException e) {
            if (SqlErrors.isLockTimeoutOrDeadlock(e)) {
                throw new InvalidInputException("db", "cannot read the catalog of " + db + ": a table is locked (another migration or "
                        + "maintenance holds an ACCESS EXCLUSIVE lock); run the check again when it has finished [SQLSTATE " + e.getSQLState() + "]");
            }
            throw new InvalidInputException("db", "cannot read the catalog of " + db + ": " + SqlErrors.firstLine(e.getMessage())
                    + " [SQLSTATE " + e.getSQLState() + "]; check the URL and credentials, or drop --db to lint the text alone");
        }
    }
}
