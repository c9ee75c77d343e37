package dev.pgbackfill.cli;

import dev.pgbackfill.job.JobSpec;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import java.util.ArrayList;
import java.util.List;

/** The lines under a job's progress line in {@code status JOB} and {@code run}: its spec and what launch found. */
final class JobDetails {
    private JobDetails() {
    }

    /** What {@code run} prints once the job is planned: the role, the triggers that will fire, the partitions. */
    static List<String> plan(JobStatus s) {
        JobSpec spec = s.spec();
        List<String> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        out.add("pgbackfill: job " + s.id() + " on " + s.table() + " as role " + spec.connectedAs() + ": " + s.chunksTotal()
                + " chunk(s), key " + String.join(", ", spec.key()) + ", batches of " + spec.batchSize());
        out.add("pgbackfill: triggers: " + triggers(spec));
        if (!spec.partitions().isEmpty()) {
            out.add("pgbackfill: partitions: " + String.join(", ", spec.partitions()));
        }
        return out;
    }

    /** Every field of the spec, one per line, for {@code status JOB}. */
    static List<String> all(JobStatus s) {
        JobSpec spec = s.spec();
        List<String> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        spec.set().forEach(a -> out.add(row("set", a)));
        out.add(row("where", spec.where() == null ? "(derived) " + spec.predicate() : spec.where()
                + (spec.predicate().equals(spec.where()) ? "" : "   [batches use: " + spec.predicate() + "]")));
        if (spec.from() != null) {
            out.add(row("from", spec.from() + "   join " + spec.join()));
        }
        out.add(row("key", String.join(", ", spec.key()) + "   batch " + spec.batchSize() + " rows   chunk "
                + (spec.chunkSize() == 0 ? "planner's choice" : spec.chunkSize() + " rows")));
        String throttle = Json.write(spec.throttle()).replaceAll(",?\"[a-zA-Z]+\":null", "").replace("{,", "{");
        out.add(row("throttle", "{}".equals(throttle) ? "none (full speed)" : throttle));
        out.add(row("triggers", triggers(spec)));
        if (!spec.partitions().isEmpty()) {
            out.add(row("partitions", String.join(", ", spec.partitions())));
        }
        out.add(row("role", String.valueOf(spec.connectedAs())));
        if (s.rowsReswept() > 0) {
            out.add(row("reswept", s.rowsReswept() + " row(s) changed again after the final check reopened their chunk "
                    + "(inserted behind the cursor, or changed back by the application)"));
        }
        if (s.lastError() != null) {
            out.add(row("last error", s.lastError()));
        }
        return out;
    }

    private static String triggers(JobSpec spec) {
        String disabled = spec.disableTriggers() ? " (--disable-triggers: ordinary triggers are off)" : "";
        return spec.triggers().isEmpty() ? "no trigger fires for backfilled rows" + disabled
                : "fires for every backfilled row: " + String.join(", ", spec.triggers()) + disabled;
    }

    private static String row(String name, String value) {
        return String.format("  %-11s %s", name, value);
    }
}
