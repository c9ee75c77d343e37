package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.DatabaseException;
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
        CatalogSnapshot base = snapshot();
        log.accept("== head → base → head");
        migrator.up(null, Phase.CONTRACT, false);
        CatalogSnapshot head = snapshot();
        migrator.down("base");
        compare(problems, "downgrade from head to base", base, snapshot());
        migrator.up(null, Phase.CONTRACT, false);
        compare(problems, "upgrade from base to head again", head, snapshot());
        migrator.down("base");
        for (Revision r : migrator.graph().ordered()) {
            log.accept("== " + r.id() + ": up → down → up");
            CatalogSnapshot before = snapshot();
            migrator.up(r.id(), Phase.CONTRACT, false);
            CatalogSnapshot after = snapshot();
            // down to its (first) parent within its own branch: reverts it alone, whatever other branches are applied
            migrator.down(r.id() + "@" + (r.downRevisions().isEmpty() ? "base" : r.downRevisions().get(0)));
            compare(problems, "downgrade of " + r.id() + " (" + r.source() + ")", before, snapshot());
            migrator.up(r.id(), Phase.CONTRACT, false);
            compare(problems, "upgrade of " + r.id() + " after its downgrade", after, snapshot());
        }
        return problems;
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
