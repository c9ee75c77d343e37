package dev.pgbackfill.migrate.step;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.spec.BackfillSpec;

/** A pgbackfill job: launched in the backfill phase; the contract phase waits for it to have SUCCEEDED. */
public record BackfillStep(BackfillSpec spec, String origin) implements Step {
    @Override
    public Phase phase() {
        return Phase.BACKFILL;
    }

    /** The job as an operator would launch it by hand (for offline SQL and messages). */
    public String commandLine() {
        StringBuilder s = new StringBuilder("pgbackfill run --table ").append(shell(spec.table()));
        spec.set().forEach(a -> s.append(" --set ").append(shell(a)));
        if (spec.where() != null) {
            s.append(" --where ").append(shell(spec.where()));
        }
        if (spec.from() != null) {
            s.append(" --from ").append(shell(spec.from())).append(" --join ").append(shell(spec.join()));
        }
        if (spec.batchSize() != null) {
            s.append(" --batch-size ").append(spec.batchSize());
        }
        return s.toString();
    }

    private static String shell(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
