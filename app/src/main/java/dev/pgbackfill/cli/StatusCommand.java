package dev.pgbackfill.cli;

import dev.pgbackfill.client.CoordinatorClient;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show one job (or all jobs): state, rows, rate, ETA, throttle reason, stuck rows.",
        footer = {"%nExamples:%n  pgbackfill status            # all jobs%n  pgbackfill status 7 --watch  # live progress bar%n  pgbackfill status 7 --json"})
public final class StatusCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "JOB", description = "Job id; without it, every job.")
    Long job;

    @Option(names = "--json", description = "JSON: one object for a job, an array for all jobs.")
    boolean json;

    @Option(names = "--watch", description = "Refresh every second until the job finishes; exit 0 when it SUCCEEDED, 1 when it FAILED or was CANCELLED.")
    boolean watch;

    @Option(names = "--watch-retry-seconds", defaultValue = "600",
            description = "With --watch: how long to keep trying a coordinator that stopped answering (a restart) before exiting 3 (default ${DEFAULT-VALUE}).")
    int watchRetrySeconds;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() throws InterruptedException {
        CoordinatorClient client = api.client();
        if (job == null) {
            JsonNode all = client.get("/api/jobs");
            if (json) {
                System.out.println(all.toString());
            } else if (all.isEmpty()) {
                System.out.println("no jobs");
            } else {
                for (JsonNode j : all) {
                    System.out.println(Progress.line(Json.MAPPER.treeToValue(j, JobStatus.class)));
                }
            }
            return 0;
        }
        boolean tty = System.console() != null;
        while (true) {
            JobStatus s = Json.MAPPER.treeToValue(watch ? StartupRetry.until("the coordinator", () -> client.get("/api/jobs/" + job),
                    java.time.Duration.ofSeconds(Math.max(1, watchRetrySeconds)), System.err) : client.get("/api/jobs/" + job), JobStatus.class);
            if (json) {
                System.out.println(Json.write(s));
            } else if (watch && tty) {
                System.out.print("\r\033[K" + Progress.bar(s, 30));
                System.out.flush();
            } else {
                System.out.println(Progress.line(s));
                if (!watch) {
                    JobDetails.all(s).forEach(System.out::println);
                }
            }
            if (!watch || s.state().isTerminal()) {
                if (watch && tty && !json) {
                    System.out.println();
                }
                return watch && s.state().isTerminal() && s.state() != dev.pgbackfill.job.JobState.SUCCEEDED ? 1 : 0;
            }
            Thread.sleep(1_000);
        }
    }
}
