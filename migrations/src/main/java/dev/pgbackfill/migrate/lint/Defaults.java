package dev.pgbackfill.migrate.lint;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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

    /**
     * The first function in the column definition's DEFAULT (masked text) that is volatile: by the database's
     * {@code pg_proc.provolatile} when {@code catalog} knows the function, else by not being on the allow-list.
     */
    static Optional<String> volatileCall(String maskedColumnDefinition, Function<String, Optional<Character>> catalog) {
        Matcher d = DEFAULT.matcher(maskedColumnDefinition);
        if (!d.find()) {
            return Optional.empty();
        }
        Matcher call = CALL.matcher(d.group(1));
        while (call.find()) {
            String name = call.group(1).toLowerCase(Locale.ROOT);
            Optional<Character> volatility = catalog.apply(name);
            boolean known = NOT_VOLATILE.contains(name) || NOT_VOLATILE.contains(name.replaceFirst("^pg_catalog\\.", ""));
            if (volatility.map(v -> v == 'v').orElse(!known)) {
                return Optional.of(call.group(1));
            }
        }
        return Optional.empty();
    }
}
