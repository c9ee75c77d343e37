package dev.pgbackfill.migrate.revision;

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
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int next = i + 1;
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                next = text.indexOf('\n', i);
                next = next < 0 ? n : next;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int depth = 1;
                next = i + 2;
                while (next < n && depth > 0) {
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
            } else if (c == '\'') {
                boolean escapes = i > 0 && (text.charAt(i - 1) == 'E' || text.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(text.charAt(i - 2)));
                next = i + 1;
                while (next < n) {
                    char d = text.charAt(next);
                    if (escapes && d == '\\') {
                        next += 2;
                    } else if (d == '\'') {
                        if (next + 1 < n && text.charAt(next + 1) == '\'') {
                            next += 2;
                        } else {
                            next++;
                            break;
                        }
                    } else {
                        next++;
                    }
                }
            } else if (c == '"') {
                next = text.indexOf('"', i + 1);
                next = next < 0 ? n : next + 1;
            } else if (c == '$') {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                char before = i == 0 ? ' ' : text.charAt(i - 1);
                if (end < n && text.charAt(end) == '$' && !(Character.isLetterOrDigit(before) || before == '_' || before == '$')
                        && (end == i + 1 || !Character.isDigit(text.charAt(i + 1)))) {
                    String tag = text.substring(i, end + 1);
                    int close = text.indexOf(tag, end + 1);
                    next = close < 0 ? n : close + tag.length();
                }
            } else if (c == ';' && !insideAtomicBody(current)) {
                String sql = current.toString().strip();
                if (!sql.isEmpty()) {
                    out.add(new Statement(sql, startLine));
                }
                current.setLength(0);
                startLine = -1;
                i++;
                continue;
            }
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
        String rest = current.toString().strip();
        if (!rest.isEmpty()) {
            out.add(new Statement(rest, startLine));
        }
        return out;
    }
}
