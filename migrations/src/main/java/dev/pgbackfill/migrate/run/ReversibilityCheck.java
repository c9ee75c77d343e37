package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.error.PgbackfillException;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.snapshot.CatalogSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * {@code migrate test-reversible}: head → base → head, then every revision up → down → up, comparing catalog
 * snapshots: each downgrade must restore exactly what was there before its upgrade, and each re-upgrade what the
 * upgrade made. It downgrades to base, so it refuses a database where revisions of the scope are applied.
 */
public final class ReversibilityCheck {
    /** One difference found: where, and the snapshot lines that differ. */
    public record Problem(String where, List<String> diff) {
    }

    private final DataSource dataSource;
    private final Migrator migrator;
    private final Consumer<String> log;
    /** What the walk is doing now, for the problem a failure becomes. */
    private String step = "";

    public ReversibilityCheck(DataSource dataSource, Migrator migrator, Consumer<String> log) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.log = log;
    }

    public List<Problem> run() {
        if (!migrator.atBase()) {
            throw new MigrationRefusedException("test-reversible downgrades to base and drops what the revisions made: point --db at a "
                    + "scratch database (revisions " + migrator.current() + " are applied here); nothing was changed");
        }
        List<Problem> problems = new ArrayList<>();
        try {
            walk(problems);
        } catch (PgbackfillException e) {
            // a step that fails ends the walk (what follows would start from a state nobody meant): it is the last problem
            problems.add(new Problem(step, List.of("failed: " + e.getMessage())));
            log.accept("FAILED at " + step + ": " + e.getMessage());
        }
        return problems;
    }

    private void walk(List<Problem> problems) {
        CatalogSnapshot base = snapshot();
        log.accept("== head → base → head");
        at("upgrade from base to head").up(null, Phase.CONTRACT, false);
        CatalogSnapshot head = snapshot();
        at("downgrade from head to base").down("base");
        compare(problems, "downgrade from head to base", base, snapshot());
        at("upgrade from base to head again").up(null, Phase.CONTRACT, false);
        compare(problems, "upgrade from base to head again", head, snapshot());
        at("downgrade from head to base again").down("base");
        for (Revision r : migrator.graph().ordered()) {
            log.accept("== " + r.id() + ": up → down → up");
            CatalogSnapshot before = snapshot();
            at("upgrade of " + r.id()).up(r.id(), Phase.CONTRACT, false);
            CatalogSnapshot after = snapshot();
            // down to its (first) parent within its own branch: reverts it alone, whatever other branches are applied
            at("downgrade of " + r.id() + " (" + r.source() + ")").down(r.id() + "@" + (r.downRevisions().isEmpty() ? "base" : r.downRevisions().get(0)));
            compare(problems, "downgrade of " + r.id() + " (" + r.source() + ")", before, snapshot());
            at("upgrade of " + r.id() + " after its downgrade").up(r.id(), Phase.CONTRACT, false);
            compare(problems, "upgrade of " + r.id() + " after its downgrade", after, snapshot());
        }
    }

    private Migrator at(String what) {
        step = what;
        return migrator;
    }

    private void compare(List<Problem> problems, String where, CatalogSnapshot expected, CatalogSnapshot actual) {
        List<String> diff = expected.diff(actual);
        if (!diff.isEmpty()) {
            problems.add(new Problem(where, diff));
            log.accept("DIFFERENCE after " + where + ":");
            diff.forEach(l -> log.accept("    " + l));
        }
    }

    private CatalogSnapshot snapshot() {
        try (Connection c = dataSource.getConnection()) {
            return CatalogSnapshot.take(c);
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading the catalog", e);
        }
    }
}
