package dev.pgbackfill.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits PostgreSQL script text into statements at top-level semicolons, aware of quotes, dollar quotes,
 * E'' strings and comments, and remembers each statement's first line. Written here because no maintained Java
 * library exposes PostgreSQL's lexical rules (Flyway's parser is internal API).
 */
public final class SqlSplitter {
    private SqlSplitter() {
    }

    public record Statement(String sql, int line) {
    }

    private static final java.util.regex.Pattern BEGIN_ATOMIC = java.util.regex.Pattern.compile("\\bBEGIN\\s+ATOMIC\\b", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern ENDS_WITH_END = java.util.regex.Pattern.compile("\\bEND\\s*$", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** A SQL-standard function body ({@code BEGIN ATOMIC … END}) holds semicolons until its END. */
    private static boolean insideAtomicBody(StringBuilder current) {
        return BEGIN_ATOMIC.matcher(current).find() && !ENDS_WITH_END.matcher(current).find();
    }

    public static List<Statement> split(String text, int firstLine) {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = firstLine;
        int startLine = -1;
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == ';' && !insideAtomicBody(current)) {
                add(out, current, startLine);
                current.setLength(0);
                startLine = -1;
                i++;
                continue;
            }
            int next = tokenEnd(text, i);
            String piece = text.substring(i, next);
            boolean comment = piece.startsWith("--") || piece.startsWith("/*");
            if (!comment && startLine < 0 && !piece.isBlank()) {
                startLine = line;
            }
            if (startLine >= 0) {
                current.append(piece);
            }
            line += (int) piece.chars().filter(ch -> ch == '\n').count();
            i = next;
        }
        add(out, current, startLine);
        return out;
    }

    private static void add(List<Statement> out, StringBuilder current, int startLine) {
        String sql = current.toString().strip();
        if (!sql.isEmpty()) {
            out.add(new Statement(sql, startLine));
        }
    }

    /** Where the lexical token that starts at {@code i} ends: a comment, a string, a quoted name, or one character. */
    public static int tokenEnd(String text, int i) {
        char c = text.charAt(i);
        if (text.startsWith("--", i)) {
            int end = text.indexOf('\n', i);
            return end < 0 ? text.length() : end;
        }
        if (text.startsWith("/*", i)) {
            return blockCommentEnd(text, i);
        }
        if (c == '\'') {
            boolean escapes = i > 0 && (text.charAt(i - 1) == 'E' || text.charAt(i - 1) == 'e')
                    && (i < 2 || !Character.isLetterOrDigit(text.charAt(i - 2)));
            return stringEnd(text, i, escapes);
        }
        if (c == '"') {
            int end = text.indexOf('"', i + 1);
            return end < 0 ? text.length() : end + 1;
        }
        if (c == '$') {
            return dollarQuoteEnd(text, i);
        }
        return i + 1;
    }

    /** Block comments nest in PostgreSQL. */
    private static int blockCommentEnd(String text, int i) {
        int depth = 1;
        int next = i + 2;
        while (next < text.length() && depth > 0) {
            if (text.startsWith("/*", next)) {
                depth++;
                next += 2;
            } else if (text.startsWith("*/", next)) {
                depth--;
                next += 2;
            } else {
                next++;
            }
        }
        return next;
    }

    /** A string literal: '' is a quote inside it; in an E'' string a backslash escapes the next character. */
    private static int stringEnd(String text, int i, boolean escapes) {
        int n = text.length();
        int next = i + 1;
        while (next < n) {
            char d = text.charAt(next);
            if (escapes && d == '\\') {
                next += 2;
            } else if (d == '\'' && next + 1 < n && text.charAt(next + 1) == '\'') {
                next += 2;
            } else if (d == '\'') {
                return next + 1;
            } else {
                next++;
            }
        }
        return next;
    }

    /** A dollar-quoted string ($$…$$ or $tag$…$tag$); a positional parameter ($1) or a $ inside a name is one character. */
    private static int dollarQuoteEnd(String text, int i) {
        int n = text.length();
        int end = i + 1;
        while (end < n && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        char before = i == 0 ? ' ' : text.charAt(i - 1);
        if (end < n && text.charAt(end) == '$' && !(Character.isLetterOrDigit(before) || before == '_' || before == '$')
                && (end == i + 1 || !Character.isDigit(text.charAt(i + 1)))) {
            String tag = text.substring(i, end + 1);
            int close = text.indexOf(tag, end + 1);
            return close < 0 ? n : close + tag.length();
        }
        return i + 1;
    }
}
