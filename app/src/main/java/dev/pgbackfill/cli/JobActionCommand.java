package dev.pgbackfill.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** pause / resume / cancel: the same call to {@code POST /api/jobs/{id}/<action>}, with an optional reason. */
abstract class JobActionCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "Job id.")
    long job;

    @Option(names = "--reason", description = "Why (recorded in the job's event history).")
    String reason;

    @Mixin
    ApiOptions api;

    abstract String action();

    @Override
    public Integer call() {
        JsonNode s = api.client().post("/api/jobs/" + job + "/" + action(), reason == null ? Map.of() : Map.of("reason", reason));
        System.out.println("job " + job + " is " + s.get("state").asString());
        return 0;
    }
}
