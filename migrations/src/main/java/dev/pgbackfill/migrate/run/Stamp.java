package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.Target;
import dev.pgbackfill.migrate.revision.Targets;
import dev.pgbackfill.migrate.revision.Traversal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code migrate stamp TARGET [--purge]}: records the database as being at TARGET and runs nothing (Alembic's
 * {@code stamp}) — for a schema that is already there (created by hand, by a script, by another tool). Revisions TARGET
 * needs are recorded as applied; revisions above it are forgotten, with the same branch rules as a downgrade. With
 * {@code --purge} the scope's records are dropped first, including revisions this set does not define.
 */
final class Stamp {
    private final MigrationContext ctx;

    Stamp(MigrationContext ctx) {
        this.ctx = ctx;
    }

    /** Returns how many revisions were recorded or forgotten. */
    int run(String target, boolean purge) {
        try (MigrationSession s = new MigrationSession(ctx)) {
            if (purge) {
                s.sql(c -> ctx.store().purge(c));
            }
            Map<String, VersionRow> rows = s.rows();
            Target to = new Targets(ctx.graph(), rows.keySet()).resolve(target);
            Set<String> complete = rows.values().stream().filter(VersionRow::complete).map(VersionRow::revision).collect(java.util.stream.Collectors.toSet());
            List<Revision> record = Traversal.toApply(ctx.graph(), complete, to);
            List<Revision> forget = record.isEmpty() ? Traversal.toRevert(ctx.graph(), rows.keySet(), to) : List.of();
            for (Revision r : record) {
                s.sql(c -> {
                    ctx.store().progress(c, r.id(), Phase.CONTRACT, 0);
                    ctx.store().downProgress(c, r.id(), 0);
                    ctx.store().history(c, r.id(), "up", null, ctx.settings().actor(), "stamp: " + r.message());
                });
                ctx.log().accept(r.id() + " stamped as applied (nothing run): " + r.message());
            }
            for (Revision r : forget) {
                s.sql(c -> {
                    ctx.store().delete(c, r.id());
                    ctx.store().history(c, r.id(), "down", null, ctx.settings().actor(), "stamp: " + r.message());
                });
                ctx.log().accept(r.id() + " stamped as not applied (nothing run): " + r.message());
            }
            return record.size() + forget.size();
        }
    }
}
