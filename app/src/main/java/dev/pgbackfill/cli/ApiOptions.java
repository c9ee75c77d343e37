package dev.pgbackfill.cli;

import dev.pgbackfill.client.CoordinatorClient;
import picocli.CommandLine.Option;

/** How client commands reach a running coordinator. */
public final class ApiOptions {
    @Option(names = "--url", defaultValue = "${env:PGBACKFILL_URL:-http://127.0.0.1:8080}",
            description = "Coordinator URL (env PGBACKFILL_URL, default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:PGBACKFILL_TOKEN}", description = "API token (env PGBACKFILL_TOKEN).")
    String token;

    CoordinatorClient client() {
        return new CoordinatorClient(url, token);
    }
}
