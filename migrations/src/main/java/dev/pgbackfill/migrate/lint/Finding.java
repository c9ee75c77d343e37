package dev.pgbackfill.migrate.lint;

/**
 * One lint result: which rule, where, why it is dangerous and the safe form.
 *
 * @param source       the revision's file (or class) as it was read, for reports that link to it
 * @param origin       where in it: {@code 007.sql:3} for a statement, or the op
 * @param acknowledged the revision accepts this finding knowingly (it is reported but does not fail the check)
 */
public record Finding(Rule rule, String revision, String origin, String statement, boolean acknowledged, String source) {

    /** The line of the statement in its file, when the finding comes from SQL text. */
    public java.util.OptionalInt line() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\\d+)$").matcher(origin);
        return m.find() ? java.util.OptionalInt.of(Integer.parseInt(m.group(1))) : java.util.OptionalInt.empty();
    }

    public boolean fails() {
        return rule.severity() == Rule.Severity.ERROR && !acknowledged;
    }

    public String render() {
        String level = acknowledged ? "ack" : rule.severity().label();
        return String.format("%-7s [%s] revision %s (%s): %s%n        why: %s%n        safe form: %s",
                level, rule.id(), revision, origin, abbreviate(statement), rule.why(), rule.safeForm());
    }

    private static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").strip();
        return flat.length() > 160 ? flat.substring(0, 157) + "..." : flat;
    }
}
