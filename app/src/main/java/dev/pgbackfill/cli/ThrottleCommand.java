package dev.pgbackfill.cli;

import dev.pgbackfill.client.CoordinatorClient;
import dev.pgbackfill.job.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "throttle", mixinStandardHelpOptions = true,
        description = "Change how fast a job runs, while it runs: rate, schedule, batch target, sleep ratio, health thresholds.",
        footer = {"%nExamples:",
                "  pgbackfill throttle 7 --rate 2000",
                "  pgbackfill throttle 7 --schedule \"Mon-Fri 08:00-18:00 Europe/Berlin rate=2000; otherwise unlimited\"",
                "  pgbackfill throttle 7 --max-replica-lag 2,30 --max-lock-waiters 1,5",
                "  pgbackfill throttle 7 --clear          # back to full speed",
                "  pgbackfill throttle --global-rate 20000  # budget shared by every running job"})
public final class ThrottleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", arity = "0..1", description = "Job id (omit with --global-rate).")
    Long job;

    @Option(names = "--global-rate", paramLabel = "ROWS_PER_S",
            description = "Cluster-wide budget shared by all running jobs; 0 removes it.")
    Double globalRate;

    @Mixin
    ThrottleOptions throttle;

    @Option(names = "--clear", description = "Drop every current setting first (then apply the options given, if any).")
    boolean clear;

    @Option(names = "--json", description = "Print the resulting settings as JSON.")
    boolean json;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() {
        CoordinatorClient client = api.client();
        if (globalRate != null) {
            Map<String, Object> rate = new LinkedHashMap<>();
            rate.put("rate", globalRate == 0 ? null : globalRate);
            JsonNode r = client.put("/api/settings/global-rate", rate);
            System.out.println("global budget: " + (r.get("rate").isNull() ? "none" : r.get("rate").asDouble() + " rows/s"));
            if (job == null) {
                return 0;
            }
        }
        if (job == null) {
            throw new dev.pgbackfill.error.InvalidInputException("job", "give a JOB id (or --global-rate for the cluster-wide budget)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = new LinkedHashMap<>(Json.MAPPER.convertValue(throttle.settings(), Map.class));
        body.values().removeIf(v -> v == null);
        if (clear) {
            body.put("clear", true);
        }
        JsonNode settings = client.post("/api/jobs/" + job + "/throttle", body);
        System.out.println(json ? settings.toString() : "job " + job + " throttle: " + settings.toString().replaceAll(",?\"[a-zA-Z]+\":null", "").replace("{,", "{"));
        return 0;
    }
}
