package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.migrate.revision.Revision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code migrate adopt --from alembic|flyway}: a database that Alembic or Flyway manages today switches to pgbackfill
 * without re-running anything. Its current revisions are read — Alembic's {@code alembic_version} rows (its heads),
 * or the latest successful versioned migration of Flyway's {@code flyway_schema_history} — mapped to the revisions
 * with the same ids, and stamped. An id with no matching revision is refused before anything is recorded.
 */
final class Adoption {
    private final MigrationContext ctx;
    private final Stamp stamp;

    Adoption(MigrationContext ctx, Stamp stamp) {
        this.ctx = ctx;
        this.stamp = stamp;
    }

    /** {@code table}: the other tool's table when not at its default name (e.g. {@code app.alembic_version}), or null. */
    int run(String from, String table) {
        String tool = from == null ? "" : from.toLowerCase(Locale.ROOT);
        List<String> ids = switch (tool) {
            case "alembic" -> read(table == null ? "alembic_version" : table, "SELECT version_num FROM %s ORDER BY 1");
            case "flyway" -> read(table == null ? "flyway_schema_history" : table,
                    "SELECT version FROM %s WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
            default -> throw new InvalidInputException("from", "--from must be alembic or flyway, got '" + from + "'");
        };
        if (ids.isEmpty()) {
            throw new MigrationRefusedException(tool + " records no applied revision in " + (table == null ? "its table" : table)
                    + "; nothing to adopt (use migrate up on a new database); nothing was changed");
        }
        List<String> missing = ids.stream().filter(id -> !ctx.graph().contains(id)).toList();
        if (!missing.isEmpty()) {
            throw new MigrationRefusedException(tool + " is at " + missing + ", which this revision set does not define (known: "
                    + ctx.graph().ordered().stream().map(Revision::id).toList() + "); give pgbackfill revisions the same ids, "
                    + "or stamp a revision by hand with migrate stamp; nothing was changed");
        }
        ctx.log().accept("adopting " + tool + " at " + ids);
        int total = 0;
        for (String id : ids) {
            total += stamp.run(id, false);
        }
        return total;
    }

    private List<String> read(String table, String query) {
        try (Connection c = ctx.dataSource().getConnection()) {
            String name;
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::text")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    name = rs.getString(1);
                }
            }
            if (name == null) {
                throw new InvalidInputException("table", "no table " + table + " in this database (search_path); name it with --table schema.table");
            }
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(query.formatted(name)); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading " + table, e);
        }
    }
}
