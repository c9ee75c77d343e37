/**
 * Public API ({@link dev.pgbackfill.migrate.run.Migrator} and its settings and results), internal (its parts: Upgrade, Downgrade, ContractGate, BackfillPhase, StepExecutor, MigrationSession, StatusQuery).
 */
@NullMarked
package dev.pgbackfill.migrate.run;

import org.jspecify.annotations.NullMarked;
