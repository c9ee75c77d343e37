package dev.pgbackfill.migrate.offline;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.op.Names;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import java.util.ArrayList;
import java.util.List;

/** Writes an offline script: transactions spelled out, statements that need none marked, the record kept in step. */
final class ScriptWriter {
    /**
     * The control tables {@code migrate} records into, as Flyway's V2 of the control schema creates them; a later
     * pgbackfill process moves rows written here into the tables it installs ({@code ControlSchema}).
     */
    private static final String CONTROL_TABLES = """
            CREATE SCHEMA IF NOT EXISTS pgbackfill;
            CREATE TABLE IF NOT EXISTS pgbackfill.migration_version (
                scope text NOT NULL DEFAULT 'default', revision text NOT NULL,
                phase_done text CHECK (phase_done IN ('expand', 'backfill', 'contract')), steps_done int NOT NULL DEFAULT 0,
                down_steps_done int NOT NULL DEFAULT 0, backfill_jobs bigint[] NOT NULL DEFAULT '{}',
                started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (scope, revision));
            CREATE TABLE IF NOT EXISTS pgbackfill.migration_history (
                id bigserial PRIMARY KEY, scope text NOT NULL, revision text NOT NULL,
                direction text NOT NULL CHECK (direction IN ('up', 'down')), phase text, at timestamptz NOT NULL DEFAULT now(),
                actor text, detail text);
            """;

    private final StringBuilder out = new StringBuilder();
    private final MigrateSettings settings;

    ScriptWriter(MigrateSettings settings) {
        this.settings = settings;
    }

    void prelude(String title) {
        comment(title + ", scope " + settings.scope());
        out.append("SET lock_timeout = '").append(settings.lockTimeout().toMillis()).append("ms';\n");
        out.append("SET statement_timeout = '").append(settings.statementTimeout().toMillis()).append("ms';\n");
        comment("the tables that record the migration (created only where they are missing)");
        out.append(CONTROL_TABLES);
    }

    void comment(String text) {
        for (String line : text.split("\n", -1)) {
            out.append(line.isEmpty() ? "" : "-- " + line).append('\n');
        }
    }

    /** The revision's version row, complete, and a history row per phase it has. */
    List<String> upRecord(Revision r, List<Phase> phases) {
        List<String> records = new ArrayList<>();
        records.add("INSERT INTO pgbackfill.migration_version (scope, revision, phase_done) VALUES (" + scope() + ", " + Names.literal(r.id())
                + ", 'contract') ON CONFLICT (scope, revision) DO UPDATE SET phase_done = 'contract', steps_done = 0, updated_at = now()");
        phases.forEach(p -> records.add(history(r, "up", "'" + p.label() + "'")));
        return records;
    }

    List<String> downRecord(Revision r) {
        return List.of("DELETE FROM pgbackfill.migration_version WHERE scope = " + scope() + " AND revision = " + Names.literal(r.id()),
                history(r, "down", "NULL"));
    }

    private String history(Revision r, String direction, String phase) {
        return "INSERT INTO pgbackfill.migration_history (scope, revision, direction, phase, actor, detail) VALUES (" + scope() + ", "
                + Names.literal(r.id()) + ", '" + direction + "', " + phase + ", 'migrate sql', " + Names.literal(r.message()) + ")";
    }

    private String scope() {
        return Names.literal(settings.scope());
    }

    /**
     * Steps in units as {@code migrate up/down} runs them: consecutive GROUP steps in one transaction, OWN steps each in
     * their own, NONE steps outside any. {@code records} go into the last unit's transaction, or into one of their own
     * right after it when that unit runs outside a transaction (or is a backfill, or there are no steps).
     */
    void steps(List<Step> steps, List<String> records) {
        List<List<Step>> units = units(steps);
        for (int i = 0; i < units.size(); i++) {
            unit(units.get(i), i == units.size() - 1 ? records : List.of());
        }
        if (units.isEmpty() && !records.isEmpty()) {
            transaction(List.of(), records);
        }
    }

    private static List<List<Step>> units(List<Step> steps) {
        List<List<Step>> units = new ArrayList<>();
        for (Step step : steps) {
            boolean joins = step instanceof SqlStep q && q.tx() == Tx.GROUP && !units.isEmpty()
                    && units.getLast().getLast() instanceof SqlStep p && p.tx() == Tx.GROUP;
            if (joins) {
                units.getLast().add(step);
            } else {
                units.add(new ArrayList<>(List.of(step)));
            }
        }
        return units;
    }

    private void unit(List<Step> unit, List<String> records) {
        switch (unit.getFirst()) {
            case BackfillStep b -> {
                comment("backfill (a pgbackfill job; on a database with rows, run it and wait for SUCCEEDED before what follows):");
                comment("  " + b.commandLine());
                if (!records.isEmpty()) {
                    transaction(List.of(), records);
                }
            }
            case SqlStep q when q.tx() == Tx.NONE -> {
                comment("outside a transaction block:");
                statement(q);
                if (!records.isEmpty()) {
                    transaction(List.of(), records);
                }
            }
            case SqlStep q -> transaction(unit, records);
        }
    }

    private void transaction(List<Step> statements, List<String> records) {
        out.append("BEGIN;\n");
        for (Step s : statements) {
            if (s instanceof SqlStep q) {
                statement(q);
            }
        }
        records.forEach(r -> out.append(r).append(";\n"));
        out.append("COMMIT;\n");
    }

    private void statement(SqlStep q) {
        if (q.partitioned() != null) {
            comment("if " + q.partitioned().relation() + " is partitioned, PostgreSQL refuses the statement below; run this instead (as "
                    + "pgbackfill migrate up does, per partition):\n  " + q.partitioned().describe());
        }
        if (q.repair() != null) {
            comment("only when " + q.repair().condition() + ":\n  " + q.repair().sql() + ";");
        }
        // a statement whose last line is a comment would swallow the terminator
        String last = q.sql().substring(q.sql().lastIndexOf('\n') + 1);
        out.append(q.sql()).append(last.contains("--") ? "\n;\n" : ";\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
