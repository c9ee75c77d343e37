package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.error.InvalidExpressionException;

/**
 * Keeps a user's SQL expression inside its slot of the statement pgbackfill builds. Outside string literals and
 * quoted identifiers, an expression may not contain {@code ;} (a second statement), comment starts ({@code --},
 * {@code /*}) that would swallow the rest of the statement, or unbalanced parentheses that would close ours.
 * Whether the expression is valid SQL is then decided by PostgreSQL itself (EXPLAIN).
 */
final class ExpressionGuard {
    private ExpressionGuard() {
    }

    static void check(String field, String expression) {
        int depth = 0;
        int i = 0;
        int n = expression.length();
        while (i < n) {
            char c = expression.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (expression.charAt(i - 1) == 'E' || expression.charAt(i - 1) == 'e');
                i = skipQuoted(field, expression, i, '\'', escapes);
            } else if (c == '"') {
                i = skipQuoted(field, expression, i, '"', false);
            } else if (c == '$' && dollarTagEnd(expression, i) > 0) {
                int tagEnd = dollarTagEnd(expression, i);
                String tag = expression.substring(i, tagEnd + 1);
                int close = expression.indexOf(tag, tagEnd + 1);
                if (close < 0) {
                    throw bad(field, expression, "unterminated dollar-quoted string " + tag);
                }
                i = close + tag.length();
            } else {
                if (c == ';') {
                    throw bad(field, expression, "';' is not allowed: give one expression, not statements");
                }
                if ((c == '-' && i + 1 < n && expression.charAt(i + 1) == '-') || (c == '/' && i + 1 < n && expression.charAt(i + 1) == '*')) {
                    throw bad(field, expression, "SQL comments are not allowed");
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth < 0) {
                    throw bad(field, expression, "unbalanced ')' at position " + (i + 1));
                }
                i++;
            }
        }
        if (depth != 0) {
            throw bad(field, expression, "unbalanced '(' (" + depth + " not closed)");
        }
    }

    private static int skipQuoted(String field, String s, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw bad(field, s, "unterminated " + (quote == '\'' ? "string literal" : "quoted identifier"));
    }

    /** If a dollar-quote tag ($$ or $tag$) starts at i, the index of its closing '$'; else -1. */
    private static int dollarTagEnd(String s, int i) {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        boolean positional = j > i + 1 && s.substring(i + 1, j).chars().allMatch(Character::isDigit);
        return j < s.length() && s.charAt(j) == '$' && !positional ? j : -1;
    }

    private static InvalidExpressionException bad(String field, String expression, String why) {
        return new InvalidExpressionException(field, "--" + field + " '" + expression + "': " + why);
    }
}
