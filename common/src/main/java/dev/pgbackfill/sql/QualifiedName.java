package dev.pgbackfill.sql;

/** A catalog-resolved table name: schema and relation exactly as stored in pg_namespace / pg_class. */
public record QualifiedName(String schema, String name) {
    /** The name quoted for SQL text. */
    public String sql() {
        return Identifier.quote(schema) + "." + Identifier.quote(name);
    }

    /** The name as an operator would read it in a message. */
    @Override
    public String toString() {
        return sql();
    }
}
