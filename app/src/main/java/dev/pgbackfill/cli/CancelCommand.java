package dev.pgbackfill.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job: workers stop within one batch; rows already done stay done.",
        footer = {"%nExample:%n  pgbackfill cancel 7 --reason \"replica lag during the sale\""})
public final class CancelCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "Job id.")
    long job;

    @Option(names = "--reason", description = "Why (recorded in the job's event history).")
    String reason;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() {
        JsonNode s = api.client().post("/api/jobs/" + job + "/cancel", reason == null ? Map.of() : Map.of("reason", reason));
        System.out.println("job " + job + " is " + s.get("state").asString());
        return 0;
    }
}
