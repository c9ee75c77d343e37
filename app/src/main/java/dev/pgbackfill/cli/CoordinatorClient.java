package dev.pgbackfill.cli;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.JobNotFoundException;
import dev.pgbackfill.error.PgbackfillException;
import dev.pgbackfill.error.UnreachableException;
import dev.pgbackfill.job.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** The CLI's client of the coordinator's REST API: one code path per action, shared with the dashboard. */
final class CoordinatorClient {
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    CoordinatorClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    JsonNode post(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : Json.write(body))));
    }

    JsonNode put(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    private URI uri(String path) {
        try {
            return URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("url", "--url '" + base + "' is not a valid URL");
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        if (token == null || token.isBlank()) {
            throw new InvalidInputException("token", "no API token: pass --token or set PGBACKFILL_TOKEN (the coordinator prints or reads them at start)");
        }
        request.header("Authorization", "Bearer " + token).header("Accept", "application/json").timeout(Duration.ofSeconds(60));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnreachableException("cannot reach the coordinator at " + base + " (" + e.getClass().getSimpleName()
                    + "); check --url / PGBACKFILL_URL and that `pgbackfill coordinator` is running", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while calling the coordinator", e);
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status / 100 == 2) {
            return body;
        }
        String message = body != null && body.has("error") ? body.get("error").asString() : "HTTP " + status;
        throw switch (status) {
            case 401 -> new InvalidInputException("token", "the coordinator rejected the token: " + message + " (check --token / PGBACKFILL_TOKEN)");
            case 403 -> new InvalidInputException("token", message);
            case 404 -> new NotFound(message);
            case 400 -> new InvalidInputException(body != null && body.has("field") ? body.get("field").asString() : null, message);
            default -> new UnreachableException("coordinator answered " + status + ": " + message, null);
        };
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** 404 from the API: an unknown job (invalid input, exit 2). */
    static final class NotFound extends InvalidInputException {
        NotFound(String message) {
            super("job", message);
        }
    }

    static boolean isNotFound(PgbackfillException e) {
        return e instanceof NotFound || e instanceof JobNotFoundException;
    }
}
