package dev.pgbackfill.cli;

import dev.pgbackfill.coordinator.plan.SpecValidator;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.spec.BackfillSpec;
import java.io.PrintStream;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Validate, plan and run one backfill with a coordinator and N workers in this process; exit 0 when it SUCCEEDED.",
        footer = {"%nExample:%n  pgbackfill run --db jdbc:postgresql://localhost/app --table orders \\",
                "      --set \"total_cents = (total * 100)::bigint\" --workers 4"})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;
    @Mixin
    DbOptions db;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--workers", defaultValue = "2", description = "Workers in this process (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--json", description = "Print the final status as one JSON object on the last line.")
    boolean json;

    @Option(names = "--verbose", description = "Stack traces and debug logs.")
    boolean verbose;

    @Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || workers > 256) {
            throw new dev.pgbackfill.error.InvalidInputException("workers", "--workers must be between 1 and 256, got " + workers);
        }
        PrintStream err = System.err;
        BackfillSpec spec = specOptions.spec();
        JobStatus s;
        try (LocalCluster.Db database = LocalCluster.openDatabase(db, workers + 4, err)) {
            try (Connection c = database.dataSource().getConnection()) {
                new SpecValidator(c).validate(spec); // refuse bad input before anything is written
            }
            if (!kafka.given()) {
                LocalServices.require("--kafka");
            }
            ControlSchema.install(database.dataSource());
            try (LocalCluster cluster = LocalCluster.start(database.dataSource(), kafka, db, workers, err)) {
                long id = cluster.coordinator.launch(spec, "cli:" + System.getProperty("user.name"));
                err.println("pgbackfill: job " + id + " launched on " + spec.table() + " with " + workers + " worker(s)");
                JobDetails.plan(cluster.coordinator.status(id)).forEach(err::println);
                s = cluster.await(id, p -> err.println(Progress.line(p)));
            }
        }
        // Only now, with the workers, broker and database closed, so nothing they log can follow it.
        err.println(Progress.line(s));
        if (json) {
            System.out.println(Json.write(s));
        }
        return s.state() == JobState.SUCCEEDED ? 0 : 1;
    }
}
