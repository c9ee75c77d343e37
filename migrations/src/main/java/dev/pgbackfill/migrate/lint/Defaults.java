package dev.pgbackfill.migrate.lint;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a column DEFAULT makes {@code ADD COLUMN} rewrite the table. Since PostgreSQL 11 a default that is not
 * volatile is evaluated once and stored in the catalog (instant); a volatile one is evaluated per row, rewriting the
 * table. Judged by an allow-list, not a deny-list: a function not known to be immutable or stable counts as volatile
 * (a user function, {@code uuidv7()}), since the rewrite is the expensive mistake.
 */
final class Defaults {
    /** Immutable or stable functions and call-like syntax commonly used in defaults. */
    static final Set<String> NOT_VOLATILE = Set.of("now", "transaction_timestamp", "statement_timestamp", "current_date",
            "localtimestamp", "current_timestamp", "lower", "upper", "coalesce", "nullif", "greatest", "least", "cast", "row", "array",
            "jsonb_build_object", "jsonb_build_array", "json_build_object", "to_jsonb", "to_json", "make_interval", "make_date",
            "make_timestamptz", "length", "abs", "round", "concat", "md5", "format", "date_trunc", "current_setting",
            "interval", "timestamptz", "timestamp", "date", "time", "numeric", "decimal", "varchar", "char", "bit", "pg_catalog.now");
    private static final Pattern DEFAULT = Pattern.compile(
            "\\bDEFAULT\\s+(.*?)(?=\\s+(?:NOT\\s+NULL|NULL|CHECK|REFERENCES|UNIQUE|PRIMARY\\s+KEY|CONSTRAINT|GENERATED|COLLATE)\\b|$)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CALL = Pattern.compile("([A-Za-z_][\\w$]*(?:\\.[A-Za-z_][\\w$]*)?)\\s*\\(");

    private Defaults() {
    }

    /** The first function in the column definition's DEFAULT (masked text) not known to be non-volatile, if any. */
    static Optional<String> volatileCall(String maskedColumnDefinition) {
        Matcher d = DEFAULT.matcher(maskedColumnDefinition);
        return d.find() ? volatileCallIn(d.group(1)) : Optional.empty();
    }

    /** The first function in a default expression (masked text) not known to be non-volatile, if any. */
    static Optional<String> volatileCallIn(String maskedExpression) {
        Matcher call = CALL.matcher(maskedExpression);
        while (call.find()) {
            String name = call.group(1).toLowerCase(Locale.ROOT);
            if (!NOT_VOLATILE.contains(name) && !NOT_VOLATILE.contains(name.replaceFirst("^pg_catalog\\.", ""))) {
                return Optional.of(call.group(1));
            }
        }
        return Optional.empty();
    }
}
