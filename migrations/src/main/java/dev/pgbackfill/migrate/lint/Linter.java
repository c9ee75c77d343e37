package dev.pgbackfill.migrate.lint;

import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds dangerous DDL in revisions, in graph order so that what earlier revisions did (a table created, a CHECK
 * validated, a column's type) informs the later ones. Each revision's upgrade and downgrade is read by a
 * {@link RevisionScope}; with a {@link Catalog} ({@code migrate check --db}) the revisions still to run are also judged
 * against the database: table sizes, partitioning, existing constraints, column types, function volatility.
 */
public final class Linter {
    private Linter() {
    }

    /** Lints every revision of the graph (upgrades and downgrades) and checks that each has a downgrade. */
    public static List<Finding> check(RevisionGraph graph) {
        return check(graph, LintConfig.defaults(), Catalog.NONE);
    }

    /** As {@link #check(RevisionGraph)}; {@code style} adds the style rules ({@link StyleRules}), at info level. */
    public static List<Finding> check(RevisionGraph graph, boolean style) {
        return check(graph, LintConfig.defaults().withStyle(style), Catalog.NONE);
    }

    public static List<Finding> check(RevisionGraph graph, LintConfig config, Catalog catalog) {
        List<Finding> findings = new ArrayList<>();
        Schema schema = new Schema(catalog);
        for (Revision r : graph.ordered()) {
            checkAcknowledgements(r);
            config.levelOf(Rule.MISSING_DOWNGRADE).filter(level -> !r.hasDowngrade()).ifPresent(level -> findings.add(new Finding(
                    Rule.MISSING_DOWNGRADE, level, r.id(), r.source(), "(no downgrade)", r.acknowledged().contains(Rule.MISSING_DOWNGRADE.id()),
                    r.source(), Rule.MISSING_DOWNGRADE.why(), Rule.MISSING_DOWNGRADE.safeForm(), null)));
            schema.startRevision(!catalog.applied().contains(r.id()));
            findings.addAll(new RevisionScope(r, false, schema, config).lint(r.upgrade()));
            findings.addAll(new RevisionScope(r, true, Schema.forDowngrade(), config).lint(r.downgrade()));
        }
        return findings;
    }

    private static void checkAcknowledgements(Revision r) {
        for (String ack : r.acknowledged()) {
            if (!Rule.exists(ack)) {
                throw new InvalidRevisionException(r.source() + ": lint-ack names unknown rule \"" + ack + "\"; known: "
                        + Arrays.stream(Rule.values()).map(Rule::id).collect(Collectors.joining(", ")));
            }
        }
    }
}
