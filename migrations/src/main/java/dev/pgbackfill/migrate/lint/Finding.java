package dev.pgbackfill.migrate.lint;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One lint result: which rule, where, why it is dangerous and the safe form.
 *
 * @param severity     the rule's level after configuration and, with {@code --db}, the table's size
 * @param source       the revision's file (or class) as it was read, for reports that link to it
 * @param origin       where in it: {@code 007.sql:3} for a statement, or the op
 * @param acknowledged the revision accepts this finding knowingly (it is reported but does not fail the check)
 * @param why          why this statement is dangerous (the rule's reason, or a sharper one for this case)
 * @param safeForm     what to write instead, in SQL (and the op that writes it, where there is one)
 * @param database     what the database said about the table ({@code --db}): its size and what that means; null without
 */
public record Finding(Rule rule, Rule.Severity severity, String revision, String origin, String statement, boolean acknowledged, String source,
                      String why, String safeForm, String database) {
    private static final Pattern LINE = Pattern.compile(":(\\d+)$");

    public Finding(Rule rule, String revision, String origin, String statement, boolean acknowledged, String source) {
        this(rule, rule.severity(), revision, origin, statement, acknowledged, source, rule.why(), rule.safeForm(), null);
    }

    /** The line of the statement in its file, when the finding comes from SQL text. */
    public OptionalInt line() {
        Matcher m = LINE.matcher(origin);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    public boolean fails() {
        return severity == Rule.Severity.ERROR && !acknowledged;
    }

    public String render() {
        String level = acknowledged ? "ack" : severity.label();
        return String.format("%-7s [%s] revision %s (%s): %s%n        why: %s%n        safe form: %s%s", level, rule.id(), revision, origin,
                abbreviate(statement), why, safeForm, database == null ? "" : String.format("%n        database: %s", database));
    }

    private static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").strip();
        return flat.length() > 160 ? flat.substring(0, 157) + "..." : flat;
    }
}
