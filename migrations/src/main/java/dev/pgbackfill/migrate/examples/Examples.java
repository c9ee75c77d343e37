package dev.pgbackfill.migrate.examples;

import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.JavaRevisions;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The example set that ships ({@code migrate --examples}, used by {@code demo}): 001–004 as SQL files, then the
 * zero-downtime patterns as Java revisions. Sources: {@code migrations/src/main/resources/dev/pgbackfill/migrate/examples}
 * and this package.
 */
public final class Examples {
    public static final List<String> SQL_FILES = List.of("001_initial.sql", "002_users.sql", "003_users_email_lower_idx.sql", "004_orders.sql");

    private Examples() {
    }

    public static List<Revision> revisions() {
        List<Revision> out = new ArrayList<>();
        for (String file : SQL_FILES) {
            try (InputStream in = Examples.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new InvalidRevisionException("example " + file + " is missing from the jar");
                }
                out.add(SqlRevisionParser.parse("examples/" + file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new InvalidRevisionException("example " + file + ": " + e.getMessage());
            }
        }
        out.addAll(JavaRevisions.of(List.of(new UsersEmailNew(), new RenameUsernameToLogin(), new UsersVerifiedNotNull(),
                new OrdersTotalCents(), new OrdersUserId())));
        return out;
    }
}
