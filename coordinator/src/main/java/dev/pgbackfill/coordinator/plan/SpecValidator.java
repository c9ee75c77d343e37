package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.coordinator.health.Probe;
import dev.pgbackfill.coordinator.catalog.TableInfo;
import dev.pgbackfill.coordinator.catalog.TableInspector;
import dev.pgbackfill.coordinator.catalog.Partitions;
import dev.pgbackfill.coordinator.catalog.Trigger;
import dev.pgbackfill.coordinator.catalog.Triggers;
import dev.pgbackfill.job.JobPlan;
import dev.pgbackfill.error.InvalidExpressionException;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.NoUsableKeyException;
import dev.pgbackfill.error.Suggestions;
import dev.pgbackfill.error.UnknownColumnException;
import dev.pgbackfill.spec.Assignment;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.KeyColumn;
import dev.pgbackfill.spec.ResolvedAssignment;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.sql.Identifier;
import dev.pgbackfill.sql.PlanEstimate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns an operator's {@link BackfillSpec} into a {@link ResolvedSpec}, or refuses it with one clear message.
 * Everything here is read-only: catalog lookups, and EXPLAIN / probes inside a transaction that is rolled back,
 * so a refused spec leaves the database exactly as it was.
 */
public final class SpecValidator {
    private final Connection connection;
    private final Probe probe;

    public SpecValidator(Connection connection) {
        this(connection, Probe.AS_COORDINATOR);
    }

    /** {@code probe}: how the job's custom probe, if any, is tried (as which role). */
    public SpecValidator(Connection connection, Probe probe) {
        this.connection = connection;
        this.probe = probe;
    }

    /** A checked spec, with what launch shows the operator about the table (its triggers, partitions, the role). */
    public record Validated(ResolvedSpec spec, TableInfo table, JobPlan plan) {
    }

    public Validated validate(BackfillSpec spec) throws SQLException {
        List<Assignment> assignments = spec.assignments();
        TableInfo table = new TableInspector(connection).inspect(spec.table());
        List<KeyColumn> keys = key(spec, table);
        List<ResolvedAssignment> resolved = resolve(assignments, table, keys.stream().map(KeyColumn::name).collect(Collectors.toSet()));
        guardClauses(spec);
        if (spec.throttleOrNone().probe() != null) {
            probe.run(connection, spec.throttleOrNone().probe()); // read-only, rolled back: a failing probe is refused here
        }
        List<Trigger> triggers = Triggers.onUpdate(connection, table.oid());
        boolean autocommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            TriggerCheck.prepareSession(connection, table, resolved, spec.triggersDisabled());
            ResolvedSpec probeSpec = new ResolvedSpec(table.name(), keys, resolved, spec.from(), spec.join(), "true", false,
                    spec.batchSizeOrDefault(), 0);
            checkExpressions(spec, probeSpec);
            boolean immutable = spec.from() != null ? JoinedImmutability.immutable(connection, probeSpec) : immutable(table, resolved);
            ResolvedSpec result = new ResolvedSpec(table.name(), keys, resolved, spec.from(), spec.join(), predicate(spec, resolved, immutable),
                    immutable, spec.batchSizeOrDefault(), spec.chunkSize() == null ? 0 : spec.chunkSize(), spec.triggersDisabled());
            explain("set", "EXPLAIN " + new BatchSql(result).batch(false, false), true);
            TriggerCheck.refuseRewritingTriggers(connection, result, table, triggers);
            return new Validated(result, table, plan(table, triggers, result.disableTriggers()));
        } finally {
            connection.rollback();
            connection.setAutoCommit(autocommit);
        }
    }

    private JobPlan plan(TableInfo table, List<Trigger> triggers, boolean triggersDisabled) throws SQLException {
        String user;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            user = rs.getString(1);
        }
        return new JobPlan(triggers.stream().filter(t -> t.fires(triggersDisabled)).map(Trigger::describe).toList(),
                Partitions.leaves(connection, table.oid()).stream().map(Partitions.Partition::describe).toList(), user);
    }

    /** Each assignment's column, checked: it exists, is not a key or generated column, and is assigned once. */
    private static List<ResolvedAssignment> resolve(List<Assignment> assignments, TableInfo table, Set<String> keyNames) {
        List<ResolvedAssignment> resolved = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Assignment a : assignments) {
            TableInfo.Column col = table.column(a.column()).orElseThrow(() -> new UnknownColumnException("set", a.column(),
                    table.name().toString(), Suggestions.closest(a.column(), table.columns().keySet()).orElse(null)));
            if (keyNames.contains(col.name())) {
                throw new InvalidInputException("set", "--set cannot change key column \"" + col.name() + "\": the backfill walks the table by its key");
            }
            if (col.generated()) {
                throw new InvalidInputException("set", "--set cannot change generated column \"" + col.name() + "\"");
            }
            if (!seen.add(col.name())) {
                throw new InvalidInputException("set", "column \"" + col.name() + "\" is assigned twice");
            }
            ExpressionGuard.check("set", a.expression());
            resolved.add(new ResolvedAssignment(col.name(), col.type(), a.expression()));
        }
        return resolved;
    }

    private static void guardClauses(BackfillSpec spec) {
        if (spec.where() != null) {
            ExpressionGuard.check("where", spec.where());
        }
        if (spec.from() != null) {
            ExpressionGuard.check("from", spec.from());
            ExpressionGuard.check("join", spec.join());
        }
    }

    /**
     * The rows still to do: where some column IS DISTINCT FROM its new value (and --where, when given); for
     * expressions that are not immutable only --where can say, and without it the spec is refused.
     */
    private static String predicate(BackfillSpec spec, List<ResolvedAssignment> resolved, boolean immutable) {
        String derived = resolved.stream()
                .map(a -> "t." + a.quoted() + " IS DISTINCT FROM CAST((" + a.expression() + ") AS " + a.type() + ")")
                .collect(Collectors.joining(" OR "));
        if (immutable) {
            return spec.where() == null ? derived : "(" + spec.where() + ") AND (" + derived + ")";
        }
        if (spec.where() != null) {
            return spec.where();
        }
        throw new InvalidExpressionException("where", "--set " + resolved.stream().map(ResolvedAssignment::expression)
                .collect(Collectors.joining(", ")) + " is not immutable, or cannot be proven so (now(), random(), nextval(), casts that "
                + "depend on the time zone, subqueries…), so rows could never be recognised as done; give --where that selects only "
                + "rows still to do, e.g. --where \"" + resolved.get(0).column() + " IS NULL\"");
    }

    private List<KeyColumn> key(BackfillSpec spec, TableInfo table) {
        List<String> names;
        if (spec.key() != null && !spec.key().isBlank()) {
            names = Identifier.parseList("key", spec.key());
            for (String n : names) {
                if (table.column(n).isEmpty()) {
                    throw new UnknownColumnException("key", n, table.name().toString(), Suggestions.closest(n, table.columns().keySet()).orElse(null));
                }
            }
            boolean unique = table.primaryKey().size() == names.size() && Set.copyOf(table.primaryKey()).equals(Set.copyOf(names))
                    || table.uniqueKeys().stream().anyMatch(u -> u.size() == names.size() && Set.copyOf(u).equals(Set.copyOf(names)));
            if (!unique) {
                throw new NoUsableKeyException("--key " + spec.key() + " is not unique on " + table.name()
                        + ": it needs a primary key or a valid unique index on exactly these columns");
            }
            List<String> nullable = names.stream().filter(n -> !table.columns().get(n).notNull()).toList();
            if (!nullable.isEmpty()) {
                throw new NoUsableKeyException("--key column(s) " + nullable + " of " + table.name() + " allow NULL; a key must be NOT NULL");
            }
        } else if (!table.primaryKey().isEmpty()) {
            names = table.primaryKey();
        } else {
            List<List<String>> candidates = table.uniqueKeys().stream()
                    .filter(u -> u.stream().allMatch(c -> table.columns().get(c).notNull())).toList();
            throw new NoUsableKeyException(table.name() + " has no primary key; "
                    + (candidates.isEmpty() ? "add one, or a unique index on NOT NULL columns, and pass it with --key"
                    : "pass a unique NOT NULL column set with --key, e.g. --key " + String.join(",", candidates.get(0))));
        }
        return names.stream().map(n -> new KeyColumn(n, table.columns().get(n).type())).toList();
    }

    /** Checks each expression on its own first, so the error names the option that is wrong. */
    private void checkExpressions(BackfillSpec spec, ResolvedSpec probe) throws SQLException {
        String from = probe.table().sql() + " t" + (probe.hasJoin() ? ", " + probe.from() : "");
        if (probe.hasJoin()) {
            explain("from", "EXPLAIN SELECT 1 FROM " + from, false);
            explain("join", "EXPLAIN SELECT 1 FROM " + from + " WHERE (" + probe.join() + ")", false);
        }
        for (ResolvedAssignment a : probe.assignments()) {
            explain("set", "EXPLAIN SELECT CAST((" + a.expression() + ") AS " + a.type() + ") FROM " + from, false);
        }
        if (spec.where() != null) {
            explain("where", "EXPLAIN SELECT 1 FROM " + from + " WHERE (" + spec.where() + ")", false);
        }
    }

    private void explain(String field, String sql, boolean withLimit) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (withLimit) {
                ps.setInt(1, 1);
            }
            ps.execute();
        } catch (SQLException e) {
            connection.rollback();
            throw new InvalidExpressionException(field, "--" + field + " is not valid for this table: " + firstLine(e.getMessage()));
        }
    }

    /**
     * True when every expression is provably immutable, so {@code col IS DISTINCT FROM expr} becomes false once a row
     * is done. PostgreSQL decides, not a parser of ours: a stored generated column on an empty copy of the table
     * (named {@code t}, so {@code t.col} references resolve) must be immutable (SQLSTATE 42P17 otherwise). An
     * expression this probe cannot take (a subquery, a system column, …) is not provably immutable either: such a
     * spec needs --where. (With --from, expressions read other tables and cannot be probed; they are trusted.)
     */
    private boolean immutable(TableInfo table, List<ResolvedAssignment> assignments) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SAVEPOINT pgbf_probe");
            st.execute("CREATE TEMP TABLE t (LIKE " + table.name().sql() + ") ON COMMIT DROP");
            int i = 0;
            for (ResolvedAssignment a : assignments) {
                st.execute("SAVEPOINT pgbf_col");
                try {
                    st.execute("ALTER TABLE pg_temp.t ADD COLUMN " + Identifier.quote("pgbf_x" + i++) + " " + a.type()
                            + " GENERATED ALWAYS AS (CAST((" + a.expression() + ") AS " + a.type() + ")) STORED");
                } catch (SQLException e) {
                    st.execute("ROLLBACK TO SAVEPOINT pgbf_col");
                    return false; // 42P17: not immutable; anything else: cannot be proven immutable
                }
            }
            return true;
        } finally {
            try (Statement st = connection.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT pgbf_probe");
            }
        }
    }

    /**
     * Rows the job will likely change, without a scan: the table's row count when every row may need the change
     * (a derived IS DISTINCT FROM predicate is estimated badly by the planner), else the planner's estimate for the
     * user's --where and join.
     */
    public long estimateRows(Validated v, BackfillSpec spec) throws SQLException {
        if (spec.where() == null && spec.from() == null) {
            if (v.table().reltuples() >= 0) {
                return (long) v.table().reltuples();
            }
            // never analysed (relpages is 0 then too): count when the table is under ~100 MB, cheap and exact
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT CASE WHEN pg_relation_size("
                    + v.table().oid() + ") < 100 * 1024 * 1024 THEN (SELECT count(*) FROM " + v.table().name().sql() + ") END")) {
                rs.next();
                if (rs.getObject(1) != null) {
                    return rs.getLong(1);
                }
            }
        }
        ResolvedSpec r = v.spec();
        String sql = "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + r.table().sql() + " t" + (r.hasJoin() ? ", " + r.from() : "")
                + " WHERE " + (r.hasJoin() ? "(" + r.join() + ") AND " : "") + (spec.where() == null ? "true" : "(" + spec.where() + ")");
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return PlanEstimate.rows(rs);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).replaceFirst("^ERROR: ", "");
    }
}
