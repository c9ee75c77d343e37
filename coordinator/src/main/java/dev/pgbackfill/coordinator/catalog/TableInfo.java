package dev.pgbackfill.coordinator.catalog;

import dev.pgbackfill.sql.QualifiedName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the catalog says about a table: its columns (in order), primary key and unique NOT NULL column sets. */
public record TableInfo(long oid, QualifiedName name, Map<String, Column> columns, List<String> primaryKey,
                        List<List<String>> uniqueKeys, double reltuples) {

    public record Column(String name, String type, boolean notNull, boolean generated) {
    }

    public Optional<Column> column(String name) {
        return Optional.ofNullable(columns.get(name));
    }
}
