package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.spec.ResolvedAssignment;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.sql.Identifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.pgbackfill.sql.SqlSplitter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether {@code --set} expressions that read joined relations ({@code --from}) are immutable: without that, their
 * derived {@code IS DISTINCT FROM} predicate never becomes false (random() through a join updated each row again at
 * every sweep). PostgreSQL is asked the same way as for the target alone — a stored generated column must be
 * immutable (42P17) and hold no subquery (0A000) — on a temporary table whose columns are the target's (for
 * unqualified names) plus one composite column per alias ({@code t} and each {@code --from} alias); {@code t.col} and
 * {@code l.x} are read as {@code (t).col} and {@code (l).x}, those columns' fields. A FROM item other than
 * {@code relation alias} cannot be checked this way, and counts as not proven. All of it is rolled back.
 */
final class JoinedImmutability {
    private JoinedImmutability() {
    }

    static boolean immutable(Connection c, ResolvedSpec probe) throws SQLException {
        List<FromItems.Item> items = FromItems.parse(probe.from());
        if (items == null) {
            return false;
        }
        try (Statement st = c.createStatement()) {
            st.execute("SAVEPOINT pgbf_joined");
            try {
                st.execute("CREATE TEMP TABLE pgbf_joined (LIKE " + probe.table().sql() + ") ON COMMIT DROP");
                st.execute("ALTER TABLE pg_temp.pgbf_joined ADD COLUMN t " + rowType(c, probe.table().sql()));
                for (FromItems.Item item : items) {
                    st.execute("ALTER TABLE pg_temp.pgbf_joined ADD COLUMN " + Identifier.quote(item.alias()) + " " + rowType(c, item.relation()));
                }
                Set<String> aliases = new HashSet<>(List.of("t"));
                items.forEach(item -> aliases.add(item.alias()));
                int i = 0;
                for (ResolvedAssignment a : probe.assignments()) {
                    st.execute("ALTER TABLE pg_temp.pgbf_joined ADD COLUMN " + Identifier.quote("pgbf_x" + i++) + " " + a.type()
                            + " GENERATED ALWAYS AS (CAST((" + asFields(a.expression(), aliases) + ") AS " + a.type() + ")) STORED");
                }
                return true;
            } catch (SQLException e) {
                return false; // 42P17 not immutable, 0A000 a subquery, anything else: not proven
            } finally {
                st.execute("ROLLBACK TO SAVEPOINT pgbf_joined");
            }
        }
    }

    /** {@code alias.name} becomes {@code (alias).name}; strings, quoted names and comments are left as they are. */
    static String asFields(String expression, Set<String> aliases) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < expression.length()) {
            int end = SqlSplitter.tokenEnd(expression, i);
            if (end == i + 1 && isWordStart(expression, i)) {
                end = i;
                while (end < expression.length() && (Character.isLetterOrDigit(expression.charAt(end)) || expression.charAt(end) == '_'
                        || expression.charAt(end) == '$')) {
                    end++;
                }
            }
            String token = expression.substring(i, end);
            boolean qualifier = end < expression.length() && expression.charAt(end) == '.' && (i == 0 || expression.charAt(i - 1) != '.');
            String name = token.startsWith("\"") ? token.substring(1, token.length() - 1).replace("\"\"", "\"") : token.toLowerCase(Locale.ROOT);
            out.append(qualifier && aliases.contains(name) ? "(" + token + ")" : token);
            i = end;
        }
        return out.toString();
    }

    private static boolean isWordStart(String s, int i) {
        char c = s.charAt(i);
        return (Character.isLetter(c) || c == '_') && (i == 0 || !(Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_'));
    }

    /** The row type of a relation (a table's type has the table's name), as SQL. */
    private static String rowType(Connection c, String relation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT reltype::regtype::text FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no relation " + relation, "42P01");
                }
                return rs.getString(1);
            }
        }
    }
}
