package dev.pgbackfill.spec;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.sql.Identifier;
import java.util.List;

/** One {@code --set "column = expression"} as typed: the column name (catalog spelling) and the SQL expression. */
public record Assignment(String column, String expression) {

    public static Assignment parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("set", "--set is empty; write it as --set \"column = expression\"");
        }
        String s = text.strip();
        int eq = columnEnd(s);
        if (eq < 0 || eq >= s.length() || s.charAt(eq) != '=' || (eq + 1 < s.length() && s.charAt(eq + 1) == '=')) {
            throw new InvalidInputException("set", "--set '" + text + "' is not of the form \"column = expression\"");
        }
        List<String> col = Identifier.parse("set", s.substring(0, eq).strip());
        if (col.size() != 1) {
            throw new InvalidInputException("set", "--set '" + text + "': the column must be a plain column of the target table");
        }
        String expr = s.substring(eq + 1).strip();
        if (expr.isEmpty()) {
            throw new InvalidInputException("set", "--set '" + text + "' has no expression after '='");
        }
        return new Assignment(col.get(0), expr);
    }

    /** Index of the '=' after the column name (skipping a quoted name and blanks), or -1. */
    private static int columnEnd(String s) {
        int i = 0;
        if (s.startsWith("\"")) {
            i = 1;
            while (i < s.length()) {
                if (s.charAt(i) == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
        } else {
            while (i < s.length() && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i < s.length() ? i : -1;
    }

    @Override
    public String toString() {
        return Identifier.quote(column) + " = " + expression;
    }
}
