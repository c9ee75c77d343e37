package dev.pgbackfill.spec;

import dev.pgbackfill.sql.Identifier;

/** One key column: its catalog name and its SQL type as {@code format_type} prints it (used in casts). */
public record KeyColumn(String name, String type) {
    public String quoted() {
        return Identifier.quote(name);
    }

    /** Integer keys can be split by arithmetic on min/max; others are split by sampling. */
    public boolean isInteger() {
        return type.equals("bigint") || type.equals("integer") || type.equals("smallint");
    }
}
