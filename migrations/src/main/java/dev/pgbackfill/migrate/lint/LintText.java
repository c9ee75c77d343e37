package dev.pgbackfill.migrate.lint;

import dev.pgbackfill.sql.SqlSplitter;

/**
 * A statement as the rules read it, by PostgreSQL's lexical rules ({@link SqlSplitter#tokenEnd}): comments (nested
 * block comments too) are gone, every string literal ({@code '…'}, {@code E'…'}, dollar-quoted bodies) is an empty
 * {@code ''}, whitespace is one space. Quoted names stay as written. So {@code DEFAULT 'set by random() later'} holds
 * no function call and a function body's text holds no statement.
 */
final class LintText {
    /** A name, quoted or not, optionally schema-qualified (group 1). */
    static final String NAME = "((?:\"(?:[^\"]|\"\")+\"|[\\w$]+)(?:\\.(?:\"(?:[^\"]|\"\")+\"|[\\w$]+))?)";
    static final java.util.regex.Pattern JSON_TYPE = java.util.regex.Pattern.compile("\\bjson\\b(?!\\s*\\()", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern NOT_A_COLUMN = java.util.regex.Pattern.compile(
            "^(?:CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE|LIKE)\\b", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern COLUMN = java.util.regex.Pattern.compile(
            "^(\"(?:[^\"]|\"\")+\"|[\\w$]+)\\s+(.+?)(?=\\s+(?:NOT\\s+NULL|NULL|DEFAULT|CONSTRAINT|PRIMARY|UNIQUE|CHECK|REFERENCES|GENERATED|COLLATE)\\b|$)",
            java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.DOTALL);

    private LintText() {
    }

    /** A column definition's name and type ({@code email varchar(20) NOT NULL} → email, varchar(20)); empty for a table constraint. */
    static java.util.Optional<String[]> column(String maskedDefinition) {
        String d = maskedDefinition.strip();
        if (NOT_A_COLUMN.matcher(d).find()) {
            return java.util.Optional.empty();
        }
        java.util.regex.Matcher m = COLUMN.matcher(d);
        return m.find() ? java.util.Optional.of(new String[] {m.group(1), m.group(2).strip()}) : java.util.Optional.empty();
    }

    static String mask(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            int end = SqlSplitter.tokenEnd(sql, i);
            char c = sql.charAt(i);
            if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
                out.append(' ');
            } else if (c == '\'' || (c == '$' && end - i > 1)) {
                out.append("''"); // a string (E'' too: its E stays in front) or a dollar-quoted body; $1 is one character
            } else {
                out.append(sql, i, end);
            }
            i = end;
        }
        return out.toString().replaceAll("\\s+", " ").strip();
    }

    /** The text with every quoted name as {@code "_"}: for rules about keywords and types that a name must not trigger. */
    static String withoutQuotedNames(String masked) {
        return masked.replaceAll("\"(?:[^\"]|\"\")*\"", "\"_\"");
    }

    /** The index of the parenthesis that closes the one at {@code open} (masked text: no strings left), or -1. */
    static int closing(String masked, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = Math.max(open, 0); open >= 0 && i < masked.length(); i++) {
            char ch = masked.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                depth++;
            } else if (!quoted && ch == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Splits ALTER TABLE actions at commas outside parentheses and quotes. */
    static java.util.List<String> actions(String actions) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int depth = 0;
        boolean single = false;
        boolean dbl = false;
        int start = 0;
        for (int i = 0; i < actions.length(); i++) {
            char ch = actions.charAt(i);
            if (ch == '\'' && !dbl) {
                single = !single;
            } else if (ch == '"' && !single) {
                dbl = !dbl;
            } else if (!single && !dbl) {
                if (ch == '(') {
                    depth++;
                } else if (ch == ')') {
                    depth--;
                } else if (ch == ',' && depth == 0) {
                    out.add(actions.substring(start, i).strip());
                    start = i + 1;
                }
            }
        }
        out.add(actions.substring(start).strip());
        return out;
    }

}
