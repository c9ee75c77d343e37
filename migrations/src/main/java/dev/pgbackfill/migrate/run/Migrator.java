package dev.pgbackfill.migrate.run;

import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Applies and reverts revisions against one database: phase by phase, each DDL statement under a short
 * lock_timeout with retries, progress recorded with the statements it covers, one runner at a time (advisory
 * lock per scope). A contract phase runs only after its revision's backfills SUCCEEDED and left no row to do.
 * This facade wires the parts (Flyway's {@code DbMigrate} / {@code DbInfo} split): {@link Upgrade},
 * {@link Downgrade}, {@link ContractGate}, {@link BackfillPhase}, {@link StepExecutor}, {@link MigrationSession},
 * {@link StatusQuery}, {@link Stamp} and {@link Adoption}.
 */
public final class Migrator {
    private final RevisionGraph graph;
    private final Upgrade upgrade;
    private final Downgrade downgrade;
    private final StatusQuery status;
    private final Stamp stamp;
    private final Adoption adoption;

    public Migrator(DataSource dataSource, RevisionGraph graph, MigrateSettings settings, BackfillRunner backfills, Consumer<String> log) {
        this.graph = graph;
        MigrationContext ctx = new MigrationContext(dataSource, graph, settings, backfills, log, new VersionStore(settings.scope()),
                new JobStore(dataSource));
        BackfillPhase backfillPhase = new BackfillPhase(ctx);
        StepExecutor executor = new StepExecutor(ctx, backfillPhase);
        this.upgrade = new Upgrade(ctx, backfillPhase, new ContractGate(ctx, backfillPhase), executor);
        this.downgrade = new Downgrade(ctx, executor);
        this.status = new StatusQuery(ctx);
        this.stamp = new Stamp(ctx);
        this.adoption = new Adoption(ctx, stamp);
    }

    public RevisionGraph graph() {
        return graph;
    }

    /**
     * Upgrades to {@code target} (null or {@code head}: the single head), running the phases up to and including
     * {@code upTo} of every revision not yet complete. Returns how many revisions it touched.
     */
    public int up(String target, Phase upTo, boolean finalize) {
        return upgrade.run(target, upTo, finalize);
    }

    /**
     * Downgrades to {@code target}: a revision id (everything applied that it does not need is reverted),
     * {@code base} (everything), or {@code -N} (the last N applied). Returns how many revisions were reverted.
     */
    public int down(String target) {
        return downgrade.run(target);
    }

    /**
     * Records the database as being at {@code target} without running anything ({@code purge}: forget every record
     * of the scope first). Returns how many revisions were recorded or forgotten.
     */
    public int stamp(String target, boolean purge) {
        return stamp.run(target, purge);
    }

    /** Stamps the revisions that Alembic or Flyway ({@code from}) records as current; {@code table} overrides its table. */
    public int adopt(String from, String table) {
        return adoption.run(from, table);
    }

    public List<RevisionStatus> status() {
        return status.status();
    }

    /** Applied revisions that no applied revision depends on (what Alembic calls the current revision). */
    public List<String> current() {
        return current(status());
    }

    /** The current revisions of a status read once (so that they cannot disagree with it). */
    public static List<String> current(List<RevisionStatus> all) {
        return StatusQuery.current(all);
    }

    public List<HistoryEntry> history() {
        return status.history();
    }

    /** True when no revision of this scope has begun. */
    public boolean atBase() {
        return status.atBase();
    }
}
