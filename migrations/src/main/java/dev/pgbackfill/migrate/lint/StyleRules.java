package dev.pgbackfill.migrate.lint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Style rules, off unless asked for ({@code migrate check --style}) and never failing the check: types and names a
 * team usually regrets (after the conventions of strong_migrations' and squawk's "prefer" rules). Read from a
 * statement's masked text ({@link LintText}) with quoted names blanked, so a column called {@code "serial"} is not
 * a type.
 */
final class StyleRules {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE;
    private static final Pattern DEFINES_COLUMNS = Pattern.compile("^(?:CREATE\\s+(?:UNLOGGED\\s+)?TABLE|ALTER\\s+TABLE)\\b", FLAGS);
    private static final Pattern SERIAL = Pattern.compile("\\b(?:small|big)?serial[248]?\\b", FLAGS);
    private static final Pattern VARCHAR_N = Pattern.compile("\\b(?:varchar|character\\s+varying)\\s*\\(", FLAGS);
    private static final Pattern TIMESTAMP = Pattern.compile("\\btimestamp\\b(?:\\s*\\(\\s*\\d+\\s*\\))?+(?!\\s+with\\s+time\\s+zone)", FLAGS);
    private static final Pattern CHAR_N = Pattern.compile("\\b(?:char|character|bpchar)\\b(?!\\s+varying)(?:\\s*\\(\\s*\\d+\\s*\\))?", FLAGS);
    private static final Pattern INT_KEY = Pattern.compile("^\\s*(?:ADD\\s+(?:COLUMN\\s+)?)?(?:\"_\"|[\\w$]+)\\s+(?:int|integer|int4|int2|smallint|serial|serial4)\\b"
            + ".*\\bPRIMARY\\s+KEY\\b", FLAGS);
    private static final Pattern NAME = Pattern.compile("\"(?:[^\"]|\"\")+\"|[A-Za-z_][\\w$]*");

    private StyleRules() {
    }

    static List<Rule> check(String masked) {
        List<Rule> out = new ArrayList<>();
        if (tooLongName(masked)) {
            out.add(Rule.STYLE_NAME_TOO_LONG);
        }
        if (!DEFINES_COLUMNS.matcher(masked).find()) {
            return out;
        }
        String text = LintText.withoutQuotedNames(masked);
        if (intKey(text)) {
            out.add(Rule.STYLE_BIGINT_KEY);
        }
        if (SERIAL.matcher(text).find()) {
            out.add(Rule.STYLE_IDENTITY);
        }
        if (VARCHAR_N.matcher(text).find()) {
            out.add(Rule.STYLE_TEXT);
        }
        if (TIMESTAMP.matcher(text).find()) {
            out.add(Rule.STYLE_TIMESTAMPTZ);
        }
        if (CHAR_N.matcher(text).find()) {
            out.add(Rule.STYLE_NO_CHAR);
        }
        return out;
    }

    /** A column defined with an int type and PRIMARY KEY: in CREATE TABLE's list, or an ALTER TABLE's ADD COLUMN. */
    private static boolean intKey(String text) {
        int open = text.indexOf('(');
        String body = text.toUpperCase(Locale.ROOT).startsWith("CREATE") && open > 0 && text.endsWith(")")
                ? text.substring(open + 1, text.length() - 1) : text.replaceFirst("(?i)^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?\\S+\\s+", "");
        return LintText.actions(body).stream().anyMatch(def -> INT_KEY.matcher(def).find());
    }

    private static boolean tooLongName(String masked) {
        Matcher m = NAME.matcher(masked);
        while (m.find()) {
            String name = m.group();
            String bare = name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name.toLowerCase(Locale.ROOT);
            if (bare.getBytes(StandardCharsets.UTF_8).length > 63) {
                return true;
            }
        }
        return false;
    }
}
