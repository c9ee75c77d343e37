package dev.pgbackfill.sql;

import dev.pgbackfill.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL identifiers as operators type them ({@code users}, {@code sales."Order Items"}) and as pgbackfill writes
 * them into SQL (always double-quoted). Unquoted parts fold to lower case, as in PostgreSQL.
 */
public final class Identifier {
    private Identifier() {
    }

    /** Double-quotes a catalog name for use in SQL text. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Splits a possibly qualified name in SQL identifier syntax into its parts, e.g. {@code sales."Order Items"} →
     * [{@code sales}, {@code Order Items}]. Anything that is not an identifier (spaces, semicolons, comments) is
     * refused here, before any SQL is built.
     */
    public static List<String> parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field, "--" + field + " is empty; give a name such as users or sales.\"Order Items\"");
        }
        List<String> parts = new ArrayList<>();
        String s = text.strip();
        int i = 0;
        while (true) {
            StringBuilder part = new StringBuilder();
            i = s.charAt(i) == '"' ? quoted(field, text, s, i, part) : plain(field, text, s, i, part);
            parts.add(part.toString());
            if (i == s.length()) {
                return parts;
            }
            if (s.charAt(i) != '.') {
                throw bad(field, text, "unexpected character '" + s.charAt(i) + "' at position " + (i + 1));
            }
            i++;
            if (i == s.length()) {
                throw bad(field, text, "unexpected character ' ' at position " + (i + 1));
            }
        }
    }

    /** A quoted part from {@code i} (its opening quote): "" is a quote inside it. Returns the index after it. */
    private static int quoted(String field, String text, String s, int i, StringBuilder part) {
        i++;
        while (true) {
            if (i >= s.length()) {
                throw bad(field, text, "unterminated quoted identifier");
            }
            char c = s.charAt(i++);
            if (c != '"') {
                part.append(c);
            } else if (i < s.length() && s.charAt(i) == '"') {
                part.append('"');
                i++;
            } else {
                break;
            }
        }
        if (part.isEmpty()) {
            throw bad(field, text, "empty quoted identifier");
        }
        return i;
    }

    /** An unquoted part from {@code i}, folded to lower case as PostgreSQL does. Returns the index after it. */
    private static int plain(String field, String text, String s, int i, StringBuilder part) {
        int start = i;
        while (i < s.length() && isIdentChar(s.charAt(i), i == start)) {
            i++;
        }
        if (i == start) {
            throw bad(field, text, "unexpected character '" + (i < s.length() ? s.charAt(i) : ' ') + "' at position " + (i + 1));
        }
        part.append(s.substring(start, i).toLowerCase(java.util.Locale.ROOT));
        return i;
    }

    /** Parses a list of identifiers separated by commas, e.g. {@code --key "tenant_id, id"}. */
    public static List<String> parseList(String field, String text) {
        List<String> names = new ArrayList<>();
        for (String piece : splitTopLevel(text, ',')) {
            List<String> parts = parse(field, piece);
            if (parts.size() != 1) {
                throw bad(field, text, "expected plain column names");
            }
            names.add(parts.get(0));
        }
        return names;
    }

    private static List<String> splitTopLevel(String text, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    private static boolean isIdentChar(char c, boolean first) {
        // ASCII only: unicode look-alikes (e.g. Cyrillic 'а') must be quoted to be accepted.
        boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        return first ? letter : letter || (c >= '0' && c <= '9') || c == '$';
    }

    private static InvalidInputException bad(String field, String text, String why) {
        return new InvalidInputException(field, "--" + field + " " + '\'' + text + "' is not a valid SQL name: " + why
                + " (quote names with spaces or capitals: 'sales.\"Order Items\"')");
    }
}
