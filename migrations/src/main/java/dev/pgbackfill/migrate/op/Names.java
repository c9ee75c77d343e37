package dev.pgbackfill.migrate.op;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.sql.Identifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/** Names in revisions → quoted SQL. Every identifier that reaches SQL text passes through here. */
public final class Names {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\"");
    /** A column name followed by plain words: an operator class, ASC/DESC, NULLS FIRST/LAST. */
    private static final Pattern COLUMN_WITH_OPTIONS = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")((?:\\s+[A-Za-z_][A-Za-z0-9_.]*)+)");
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private Names() {
    }

    /** {@code sales."Order Items"} → {@code "sales"."Order Items"}. */
    public static String table(String name) {
        return String.join(".", Identifier.parse("table", name).stream().map(Identifier::quote).toList());
    }

    /** A single identifier (column, index, constraint, trigger), quoted. */
    public static String ident(String name) {
        List<String> parts = Identifier.parse("name", name);
        if (parts.size() != 1) {
            throw new InvalidInputException("name", "\"" + name + "\" must be a single name, not a qualified one");
        }
        return Identifier.quote(parts.get(0));
    }

    /** The table's last part, unquoted: the base for generated names ({@code users} for {@code app.users}). */
    public static String bare(String table) {
        List<String> parts = Identifier.parse("table", table);
        return parts.get(parts.size() - 1);
    }

    /** The quoted schema prefix of a table ({@code "app".}), or empty when unqualified. */
    public static String schemaPrefix(String table) {
        List<String> parts = Identifier.parse("table", table);
        return parts.size() == 1 ? "" : Identifier.quote(parts.get(0)) + ".";
    }

    /** A key for "the same table" comparisons within a revision. */
    public static String key(String table) {
        return String.join(".", Identifier.parse("table", table));
    }

    /**
     * An index column: a plain name is quoted ({@code email DESC}, {@code email text_pattern_ops} keep their words),
     * anything else is an expression in parentheses ({@code lower(email)}).
     */
    public static String indexElement(String column) {
        String c = column.strip();
        if (PLAIN.matcher(c).matches()) {
            return ident(c);
        }
        java.util.regex.Matcher m = COLUMN_WITH_OPTIONS.matcher(c);
        if (m.matches()) {
            return ident(m.group(1)) + m.group(2).replaceAll("\\s+", " ");
        }
        return "(" + c + ")";
    }

    /** A SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** A generated identifier cut to PostgreSQL's 63 bytes, quoted. */
    public static String generated(String... parts) {
        String name = String.join("_", parts);
        while (name.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            name = name.substring(0, name.length() - 1);
        }
        return Identifier.quote(name);
    }
}
