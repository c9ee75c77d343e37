package dev.pgbackfill.migrate.lint;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether {@code ALTER COLUMN … TYPE} rewrites the table. PostgreSQL skips the rewrite (and keeps the indexes) when
 * the old type is binary-coercible to the new one and no length or precision gets stricter: {@code varchar(n)} to
 * {@code varchar(m ≥ n)}, to {@code varchar} or to {@code text}; {@code text} to {@code varchar}; {@code numeric(p, s)}
 * to {@code numeric(q ≥ p, s)} or unconstrained; {@code varbit(n)} wider; {@code cidr} to {@code inet}. Anything else,
 * or an unknown old type, counts as a rewrite: that is the expensive mistake.
 */
final class TypeChanges {
    private static final Pattern TYPE = Pattern.compile("^\\s*(character varying|varchar|text|numeric|decimal|bit varying|varbit|cidr|inet)"
            + "\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*$", Pattern.CASE_INSENSITIVE);

    private TypeChanges() {
    }

    static boolean rewrites(String from, String to, boolean using) {
        if (from == null || using) {
            return true;
        }
        Matcher a = TYPE.matcher(from);
        Matcher b = TYPE.matcher(to);
        if (!a.matches() || !b.matches()) {
            return !normalize(from).equals(normalize(to));
        }
        String fa = family(a.group(1));
        String fb = family(b.group(1));
        return switch (fa + ">" + fb) {
            case "varchar>varchar", "varbit>varbit" -> !wider(a.group(2), b.group(2));
            case "varchar>text", "text>text", "cidr>inet", "inet>inet", "cidr>cidr" -> false;
            case "text>varchar" -> b.group(2) != null;
            case "numeric>numeric" -> b.group(2) != null && (a.group(2) == null || !wider(a.group(2), b.group(2))
                    || !scale(a.group(3)).equals(scale(b.group(3))));
            default -> true;
        };
    }

    /** No limit on the new type, or one at least as large as the old one's (which must then have one). */
    private static boolean wider(String oldLimit, String newLimit) {
        return newLimit == null || (oldLimit != null && Integer.parseInt(newLimit) >= Integer.parseInt(oldLimit));
    }

    private static String scale(String s) {
        return s == null ? "0" : s;
    }

    private static String family(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "character varying", "varchar" -> "varchar";
            case "numeric", "decimal" -> "numeric";
            case "bit varying", "varbit" -> "varbit";
            default -> type.toLowerCase(Locale.ROOT);
        };
    }

    private static String normalize(String type) {
        return type.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }
}
