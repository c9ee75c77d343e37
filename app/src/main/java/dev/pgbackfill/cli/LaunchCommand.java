package dev.pgbackfill.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;

@Command(name = "launch", mixinStandardHelpOptions = true,
        description = "Submit a backfill to a running coordinator; prints the job id alone on the last line.",
        footer = {"%nExample:%n  JOB=$(pgbackfill launch --table users --set \"email_new = lower(email)\" | tail -1)"})
public final class LaunchCommand implements Callable<Integer> {
    @Mixin
    SpecOptions spec;
    @Mixin
    ApiOptions api;

    @Override
    public Integer call() {
        JsonNode status = api.client().post("/api/jobs", spec.spec());
        System.err.println("pgbackfill: launched job " + status.get("id").asLong() + " on " + status.get("table").asString()
                + " (" + status.get("state").asString() + ")");
        JobDetails.plan(dev.pgbackfill.job.Json.MAPPER.treeToValue(status, dev.pgbackfill.job.JobStatus.class)).stream()
                .skip(1).forEach(System.err::println); // the triggers and partitions; the job line is above
        System.out.println(status.get("id").asLong());
        return 0;
    }
}
