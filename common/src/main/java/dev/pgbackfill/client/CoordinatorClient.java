package dev.pgbackfill.client;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.JobNotFoundException;
import dev.pgbackfill.error.UnreachableException;
import dev.pgbackfill.job.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * <b>API.</b> A client of the coordinator's REST API: the CLI's, and {@code BackfillOperations.over} for Java callers (a Spring Batch step, the Spring Boot starter)
 * whose coordinator runs elsewhere. One request per call; errors become the typed exceptions of {@code error}.
 *
 * <p>Why {@link HttpURLConnection} and not {@code java.net.http.HttpClient}: building an {@code HttpClient}
 * initialises the TLS stack even for {@code http://} (about 0.25 s of a 0.3 s cold start, measured with
 * {@code ./pgbackfill bench --methods cli}); one request per command needs none of its features.
 */
public final class CoordinatorClient {
    static {
        // HttpURLConnection re-sends a POST once when a kept-alive connection fails: a launch must never run twice. The
        // setting is JVM-wide: an application that chose otherwise keeps its choice.
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 60_000;
    private final String base;
    private final String token;

    /** {@code base}: the coordinator's URL, e.g. {@code http://127.0.0.1:8080}; {@code token}: an operator or viewer token. */
    public CoordinatorClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body == null ? "{}" : Json.write(body));
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, Json.write(body));
    }

    private URL url(String path) {
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new InvalidInputException("url", "--url '" + base + "' is not an http:// or https:// URL");
        }
        try {
            return URI.create(base + path).toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            throw new InvalidInputException("url", "--url '" + base + "' is not a valid URL");
        }
    }

    private JsonNode send(String method, String path, String body) {
        if (token == null || token.isBlank()) {
            throw new InvalidInputException("token", "no API token: pass --token or set PGBACKFILL_TOKEN (the coordinator prints or reads them at start)");
        }
        URL url = url(path);
        int status;
        String answer;
        try {
            HttpURLConnection http = (HttpURLConnection) url.openConnection();
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setReadTimeout(READ_TIMEOUT_MS);
            http.setRequestMethod(method);
            http.setInstanceFollowRedirects(false); // as HttpClient did: a redirected POST would come back as a GET without the token
            http.setRequestProperty("Authorization", "Bearer " + token);
            http.setRequestProperty("Accept", "application/json");
            if (body != null) {
                http.setDoOutput(true);
                http.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = http.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            status = http.getResponseCode();
            answer = read(status / 100 == 2 ? http.getInputStream() : http.getErrorStream());
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreachableException("cannot reach the coordinator at " + base + " (" + e.getClass().getSimpleName()
                    + "); check --url / PGBACKFILL_URL and that `pgbackfill coordinator` is running", e);
        }
        return answer(status, parse(answer));
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return null;
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode answer(int status, JsonNode body) {
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
    public static final class NotFound extends InvalidInputException {
        NotFound(String message) {
            super("job", message);
        }
    }
}
