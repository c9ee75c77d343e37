package dev.pgbackfill.spec;

import dev.pgbackfill.sql.Identifier;

/** An assignment whose column exists; {@code type} is the column's SQL type, for the derived predicate's cast. */
public record ResolvedAssignment(String column, String type, String expression) {
    public String quoted() {
        return Identifier.quote(column);
    }
}
