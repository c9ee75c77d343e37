package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.api.ApiTokens;
import dev.pgbackfill.coordinator.api.CoordinatorApplication;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The coordinator's REST API and its auth: viewers read, operators change, everyone else gets 401. */
class ApiTest {
    static final String OPERATOR = "operator-token-for-api-test-0123456789";
    static final String VIEWER = "viewer-token-for-api-test-0123456789";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static HikariDataSource dataSource;
    static ChunkPublisher publisher;
    static Coordinator coordinator;
    static ConfigurableApplicationContext web;
    static String base;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        db.exec("CREATE TABLE items (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO items SELECT g, g FROM generate_series(1, 100) g;"
                + "CREATE FUNCTION probe_writes() RETURNS int LANGUAGE sql AS 'INSERT INTO items VALUES (100000, 1) RETURNING 1';"
                + "CREATE TABLE item_owners (id bigint PRIMARY KEY); INSERT INTO item_owners VALUES (1), (2);"
                + "CREATE TABLE owned_items (id bigint PRIMARY KEY, owner_id bigint REFERENCES item_owners); INSERT INTO owned_items VALUES (1, 1);"
                + "CREATE TABLE rewritten (id bigint PRIMARY KEY, b int); INSERT INTO rewritten SELECT g FROM generate_series(1, 10) g;"
                + "CREATE FUNCTION rewrite_b() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.b := NULL; RETURN NEW; END $$;"
                + "CREATE TRIGGER rewrite_b BEFORE UPDATE ON rewritten FOR EACH ROW EXECUTE FUNCTION rewrite_b()");
        dataSource = Database.open(DbConfig.of(db.url(), null, null), 4, "api-test");
        ControlSchema.install(dataSource);
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("api"), 1, TestKafka.unique("g"));
        topic.ensureExists();
        publisher = new ChunkPublisher(topic);
        coordinator = new Coordinator(dataSource, publisher, CoordinatorSettings.defaults());
        web = CoordinatorApplication.start(coordinator, new ApiTokens(List.of(OPERATOR), List.of(VIEWER)), 0, Map.of());
        base = "http://127.0.0.1:" + web.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        web.close();
        coordinator.close();
        publisher.close();
        dataSource.close();
    }

    static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    long launchJob() throws Exception {
        HttpResponse<String> r = call("POST", "/api/jobs", OPERATOR, "{\"table\":\"items\",\"set\":[\"b = a + 1\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ((Number) Json.read(r.body(), Map.class).get("id")).longValue();
    }

    @Test
    void requestsWithoutATokenAreUnauthorized() throws Exception {
        assertThat(call("GET", "/api/jobs", null, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/jobs/1/pause", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void unknownTokensAreUnauthorizedAndNeverEchoed() throws Exception {
        HttpResponse<String> r = call("GET", "/api/jobs", "not-a-real-token-xyz", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("not-a-real-token-xyz");
    }

    @Test
    void viewerReadsButCannotChange() throws Exception {
        long job = launchJob();

        assertThat(call("GET", "/api/jobs", VIEWER, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/jobs/" + job, VIEWER, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/jobs/" + job + "/events", VIEWER, null).statusCode()).isEqualTo(200);
        for (String action : List.of("pause", "resume", "cancel")) {
            assertThat(call("POST", "/api/jobs/" + job + "/" + action, VIEWER, null).statusCode()).as(action).isEqualTo(403);
        }
        assertThat(call("POST", "/api/jobs", VIEWER, "{\"table\":\"items\",\"set\":[\"b = 1\"]}").statusCode()).isEqualTo(403);
    }

    @Test
    void operatorLaunchesAndTheEventHistoryRecordsWho() throws Exception {
        long job = launchJob();

        HttpResponse<String> paused = call("POST", "/api/jobs/" + job + "/pause", OPERATOR, "{\"reason\":\"lunch peak\"}");
        HttpResponse<String> events = call("GET", "/api/jobs/" + job + "/events", VIEWER, null);

        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(Json.read(paused.body(), Map.class).get("state")).isIn("PAUSED", "SUCCEEDED");
        assertThat(events.body()).contains("\"actor\":\"api:operator\"").contains("launched");
    }

    @Test
    void invalidSpecIs400WithTheFieldAndCreatesNoJob() throws Exception {
        long jobsBefore = db.queryLong("SELECT count(*) FROM pgbackfill.job");

        HttpResponse<String> r = call("POST", "/api/jobs", OPERATOR, "{\"table\":\"items\",\"set\":[\"c = a + 1\"]}");

        assertThat(r.statusCode()).isEqualTo(400);
        @SuppressWarnings("unchecked") Map<String, Object> body = Json.read(r.body(), Map.class);
        assertThat(body.get("field")).isEqualTo("set");
        assertThat((String) body.get("error")).contains("column \"c\" not found in \"public\".\"items\"");
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.job")).isEqualTo(jobsBefore);
    }

    @Test
    void errorsCarryTheirStableCode() throws Exception {
        HttpResponse<String> invalid = call("POST", "/api/jobs", OPERATOR, "{\"table\":\"items\",\"set\":[\"c = a + 1\"]}");
        HttpResponse<String> unknown = call("GET", "/api/jobs/999999", VIEWER, null);

        assertThat(Json.read(invalid.body(), Map.class).get("code")).isEqualTo("invalid_input");
        assertThat(Json.read(unknown.body(), Map.class).get("code")).isEqualTo("job_not_found");
    }

    @Test
    void aThrottleProbeThatWouldCommitOutOfItsTransactionIsRefusedAndRunsNothing() throws Exception {
        HttpResponse<String> launched = call("POST", "/api/jobs", OPERATOR, "{\"table\":\"items\",\"set\":[\"b = a + 7\"]}");
        Object id = Json.read(launched.body(), Map.class).get("id");
        String before = db.fingerprint();

        HttpResponse<String> r = call("POST", "/api/jobs/" + id + "/throttle", OPERATOR,
                "{\"probe\": \"SELECT 1; COMMIT; CREATE TABLE probe_escape (i int); SELECT 0\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Json.read(r.body(), Map.class).get("field")).isEqualTo("probe");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename = 'probe_escape'")).isZero();
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void statusWatchExitsWithTheJobsOutcome() throws Exception {
        HttpResponse<String> launched = call("POST", "/api/jobs", OPERATOR, "{\"table\":\"items\",\"set\":[\"b = a + 5\"]}");
        String id = String.valueOf(Json.read(launched.body(), Map.class).get("id"));
        call("POST", "/api/jobs/" + id + "/cancel", OPERATOR, "{\"reason\": \"test\"}");

        CliTest.Result watched = CliTest.cli("status", id, "--watch", "--url", base, "--token", VIEWER);

        assertThat(watched.exit()).as(watched.err()).isEqualTo(1);
        assertThat(watched.out()).contains("CANCELLED");
    }

    @Test
    void statusWatchKeepsTryingACoordinatorThatStoppedAnsweringThenSaysSo() {
        CliTest.Result watched = CliTest.cli("status", "1", "--watch", "--url", "http://127.0.0.1:1", "--token", VIEWER, "--watch-retry-seconds", "2");

        assertThat(watched.exit()).isEqualTo(3);
        assertThat(watched.err()).contains("pgbackfill: waiting for the coordinator: cannot reach the coordinator at http://127.0.0.1:1")
                .contains("trying again in 1 s");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertThat(call("POST", "/api/jobs", OPERATOR, "{\"table\": ").statusCode()).isEqualTo(400);
    }

    @Test
    void unknownJobIs404() throws Exception {
        HttpResponse<String> r = call("GET", "/api/jobs/999999", VIEWER, null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("job 999999 not found");
    }

    @Test
    void prometheusMetricsAreServed() throws Exception {
        HttpResponse<String> r = call("GET", "/actuator/prometheus", null, null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void operatorChangesTheThrottleAndViewerCannot() throws Exception {
        long job = launchJob();

        HttpResponse<String> viewer = call("POST", "/api/jobs/" + job + "/throttle", VIEWER, "{\"rate\": 100}");
        HttpResponse<String> set = call("POST", "/api/jobs/" + job + "/throttle", OPERATOR,
                "{\"rate\": 100, \"schedule\": \"Sat-Sun paused\", \"replicaLagSeconds\": {\"throttle\": 2, \"critical\": 30}}");
        HttpResponse<String> bad = call("POST", "/api/jobs/" + job + "/throttle", OPERATOR, "{\"schedule\": \"Sun-Mon 9:00 go\"}");
        HttpResponse<String> read = call("GET", "/api/jobs/" + job + "/throttle", VIEWER, null);

        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("--schedule rule 1");
        @SuppressWarnings("unchecked") Map<String, Object> settings = Json.read(read.body(), Map.class);
        assertThat(settings.get("rate")).isEqualTo(100.0);
        assertThat(settings.get("schedule")).isEqualTo("Sat-Sun paused");
        assertThat(settings.get("replicaLagSeconds")).isEqualTo(Map.of("throttle", 2.0, "critical", 30.0));
    }

    @Test
    void globalBudgetIsSetAndRemovedByOperators() throws Exception {
        assertThat(call("PUT", "/api/settings/global-rate", VIEWER, "{\"rate\": 5000}").statusCode()).isEqualTo(403);
        HttpResponse<String> set = call("PUT", "/api/settings/global-rate", OPERATOR, "{\"rate\": 5000}");
        HttpResponse<String> negative = call("PUT", "/api/settings/global-rate", OPERATOR, "{\"rate\": -1}");
        HttpResponse<String> cleared = call("PUT", "/api/settings/global-rate", OPERATOR, "{\"rate\": null}");

        assertThat(set.body()).isEqualTo("{\"rate\":5000.0}");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(cleared.body()).isEqualTo("{\"rate\":null}");
    }

    @Test
    void dashboardIsServedAtTheRootWithoutATokenAndLoadsNothingFromOtherHosts() throws Exception {
        HttpResponse<String> page = call("GET", "/", null, null);
        HttpResponse<String> script = call("GET", "/assets/app.js", null, null);
        HttpResponse<String> style = call("GET", "/assets/app.css", null, null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<title>pgbackfill</title>").contains("<script src=\"/assets/app.js\">")
                .doesNotContainPattern("(src|href)=\"(https?:)?//");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("/api/jobs").doesNotContainPattern("(fetch|import)\\s*\\(?\\s*['\"](https?:)?//");
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.body()).doesNotContain("@import", "url(http");
    }

    /** Every endpoint: reads need a viewer or operator token, changes an operator token; others get 401 / 403. */
    static List<String[]> endpoints(long job) {
        String j = "/api/jobs/" + job;
        return List.of(
                new String[] {"GET", "/api/jobs", null, "read"},
                new String[] {"GET", j, null, "read"},
                new String[] {"GET", j + "/events", null, "read"},
                new String[] {"GET", j + "/samples", null, "read"},
                new String[] {"GET", j + "/chunks", null, "read"},
                new String[] {"GET", j + "/throttle", null, "read"},
                new String[] {"GET", "/api/workers", null, "read"},
                new String[] {"GET", "/api/me", null, "read"},
                new String[] {"GET", "/api/settings", null, "read"},
                new String[] {"GET", "/api/settings/global-rate", null, "read"},
                new String[] {"GET", "/api/migrations", null, "read"},
                new String[] {"GET", "/api/migrations/history", null, "read"},
                new String[] {"POST", "/api/jobs", "{\"table\":\"items\",\"set\":[\"b = a + 1\"]}", "change"},
                new String[] {"POST", j + "/pause", null, "change"},
                new String[] {"POST", j + "/resume", null, "change"},
                new String[] {"POST", j + "/cancel", null, "change"},
                new String[] {"POST", j + "/throttle", "{\"rate\": 10}", "change"},
                new String[] {"PUT", "/api/settings/global-rate", "{\"rate\": null}", "change"});
    }

    @Test
    void everyEndpointRefusesMissingAndUnknownTokensAndViewersCannotChange() throws Exception {
        long job = launchJob();

        for (String[] e : endpoints(job)) {
            String what = e[0] + " " + e[1];
            HttpResponse<String> none = call(e[0], e[1], null, e[2]);
            HttpResponse<String> wrong = call(e[0], e[1], "Bearer-but-wrong-" + OPERATOR.substring(3), e[2]);
            HttpResponse<String> viewer = call(e[0], e[1], VIEWER, e[2]);
            assertThat(none.statusCode()).as(what + " without a token").isEqualTo(401);
            assertThat(wrong.statusCode()).as(what + " with an unknown token").isEqualTo(401);
            assertThat(wrong.body()).as(what).doesNotContain(OPERATOR.substring(3));
            assertThat(viewer.statusCode()).as(what + " as viewer").isEqualTo(e[3].equals("read") ? 200 : 403);
            assertThat(viewer.body()).as(what).doesNotContain(VIEWER);
        }
        for (String[] e : endpoints(job)) {
            HttpResponse<String> operator = call(e[0], e[1], OPERATOR, e[2]);
            assertThat(operator.statusCode()).as(e[0] + " " + e[1] + " as operator: " + operator.body()).isIn(200, 201);
        }
    }

    @Test
    void chunksSamplesWorkersAndMeDescribeTheCluster() throws Exception {
        long job = launchJob();
        coordinator.jobs(); // the job is planned synchronously: its chunks exist now

        List<?> chunks = Json.read(call("GET", "/api/jobs/" + job + "/chunks", VIEWER, null).body(), List.class);
        HttpResponse<String> samples = call("GET", "/api/jobs/" + job + "/samples?minutes=5", VIEWER, null);
        HttpResponse<String> badWindow = call("GET", "/api/jobs/" + job + "/samples?minutes=0", VIEWER, null);
        HttpResponse<String> workers = call("GET", "/api/workers", VIEWER, null);

        assertThat(chunks).hasSize((int) db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = " + job));
        assertThat(((Map<?, ?>) chunks.get(0)).keySet()).extracting(String::valueOf).contains("chunkNo", "state", "rowsDone", "attempts", "stuckRows", "owner");
        assertThat(samples.statusCode()).isEqualTo(200);
        assertThat(samples.body()).startsWith("[");
        assertThat(badWindow.statusCode()).isEqualTo(400);
        assertThat(badWindow.body()).contains("minutes must be between 1 and 1440");
        assertThat(workers.body()).isEqualTo("[]"); // no worker process in this test
        assertThat(call("GET", "/api/me", VIEWER, null).body()).isEqualTo("{\"role\":\"viewer\"}");
        assertThat(call("GET", "/api/me", OPERATOR, null).body()).isEqualTo("{\"role\":\"operator\"}");
        assertThat(call("GET", "/api/jobs/424242/chunks", VIEWER, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aBigJobsChunkMapComesMergedIntoTheCellsAsked() throws Exception {
        HttpResponse<String> launched = call("POST", "/api/jobs", OPERATOR, "{\"table\":\"items\",\"set\":[\"b = a + 7\"],\"chunkSize\":10}");
        long job = ((Number) Json.read(launched.body(), Map.class).get("id")).longValue();
        long total = db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ?", job);

        List<?> cells = Json.read(call("GET", "/api/jobs/" + job + "/chunks?cells=3", VIEWER, null).body(), List.class);
        List<?> all = Json.read(call("GET", "/api/jobs/" + job + "/chunks", VIEWER, null).body(), List.class);

        assertThat(total).isGreaterThan(3);
        assertThat(all).hasSize((int) total);
        assertThat(cells).hasSize(3);
        assertThat(((Number) ((Map<?, ?>) cells.get(0)).get("chunkNo")).intValue()).isZero();
        assertThat(((Number) ((Map<?, ?>) cells.get(2)).get("lastChunkNo")).longValue()).isEqualTo(total - 1);
        assertThat(call("GET", "/api/jobs/" + job + "/chunks?cells=0", VIEWER, null).statusCode()).isEqualTo(400);
    }

    @Test
    void migrationsWithoutARevisionSetSayHowToConfigureOne() throws Exception {
        @SuppressWarnings("unchecked") Map<String, Object> m = Json.read(call("GET", "/api/migrations", VIEWER, null).body(), Map.class);

        assertThat(m).containsEntry("configured", false).containsEntry("scope", "default").containsEntry("revisions", List.of());
    }

    @Test
    void theOpenApiDescriptionListsEveryEndpointWithoutAToken() throws Exception {
        HttpResponse<String> r = call("GET", "/v3/api-docs", null, null);

        assertThat(r.statusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked") Map<String, Object> doc = Json.read(r.body(), Map.class);
        assertThat(((Map<?, ?>) doc.get("info")).get("title")).isEqualTo("pgbackfill coordinator API");
        assertThat(((Map<?, ?>) doc.get("paths")).keySet()).extracting(String::valueOf).contains("/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/pause", "/api/jobs/{id}/resume",
                "/api/jobs/{id}/cancel", "/api/jobs/{id}/throttle", "/api/jobs/{id}/events", "/api/jobs/{id}/samples", "/api/jobs/{id}/chunks",
                "/api/workers", "/api/me", "/api/migrations", "/api/migrations/history", "/api/settings/global-rate");
        assertThat(call("GET", "/swagger-ui/index.html", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void tokensCanComeFromSpringConfigurationSuchAsApplicationYml() throws Exception {
        ConfigurableApplicationContext other = CoordinatorApplication.start(coordinator, new ApiTokens(List.of(), List.of()), 0,
                Map.of("pgbackfill.tokens.operator", "yml-operator-token-0123456789", "pgbackfill.tokens.viewer[0]", "yml-viewer-token-0123456789"));
        try {
            String url = "http://127.0.0.1:" + other.getEnvironment().getProperty("local.server.port");
            HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url + "/api/me"));

            assertThat(http.send(get.header("Authorization", "Bearer yml-operator-token-0123456789").build(), HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("{\"role\":\"operator\"}");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/api/me")).header("Authorization", "Bearer yml-viewer-token-0123456789").build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("{\"role\":\"viewer\"}");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/api/me")).header("Authorization", "Bearer " + OPERATOR).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        } finally {
            other.close();
        }
    }

    /** One bad launch: its CLI options and the same as a REST body, and a piece of the message that must explain it. */
    record Bad(String name, List<String> cli, Map<String, Object> json, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Bad bad(String name, String message, Object... fields) {
        List<String> cli = new java.util.ArrayList<>();
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            String key = (String) fields[i];
            Object value = fields[i + 1];
            switch (key) {
                case "set" -> {
                    json.put("set", List.of(value));
                    cli.addAll(List.of("--set", (String) value));
                }
                case "schedule" -> {
                    json.put("throttle", Map.of("schedule", value));
                    cli.addAll(List.of("--schedule", (String) value));
                }
                case "probe" -> {
                    json.put("throttle", Map.of("probe", value));
                    cli.addAll(List.of("--probe", (String) value));
                }
                case "disableTriggers" -> {
                    json.put("disableTriggers", true);
                    cli.add("--disable-triggers");
                }
                default -> {
                    json.put(key, value);
                    cli.addAll(List.of("--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(), String.valueOf(value)));
                }
            }
        }
        return new Bad(name, cli, json, message);
    }

    static List<Bad> badInputs() {
        return List.of(
                bad("unknown table", "nosuch", "table", "nosuch", "set", "b = a"),
                bad("column typo", "column \"bb\" not found", "table", "items", "set", "bb = a"),
                bad("statement in the table name", "items; DROP TABLE items", "table", "items; DROP TABLE items", "set", "b = a"),
                bad("quote in the table name", "unterminated quoted identifier", "table", "\"items", "set", "b = a"),
                bad("unicode look-alike table", "\u0456tems", "table", "\u0456tems", "set", "b = a"),
                bad("comment in an expression", "comment", "table", "items", "set", "b = 1 -- and the rest"),
                bad("statement in an expression", ";", "table", "items", "set", "b = 1; DROP TABLE items"),
                bad("statement in the predicate", ";", "table", "items", "set", "b = a", "where", "true; DELETE FROM items"),
                bad("unbalanced parentheses", "unbalanced '('", "table", "items", "set", "b = (a + 1"),
                bad("type error", "invalid input syntax for type integer", "table", "items", "set", "b = 'x'::int"),
                bad("the key column itself", "key", "table", "items", "set", "id = id + 1"),
                bad("volatile without a predicate", "--where", "table", "items", "set", "b = (random() * 10)::int"),
                bad("no usable key", "unique", "table", "items", "set", "b = a", "key", "a"),
                bad("statement in the key", "items", "table", "items", "set", "b = a", "key", "id; DROP TABLE items"),
                bad("statement in --from", ";", "table", "items", "set", "b = x.a", "from", "items x; DROP TABLE items", "join", "x.id = t.id"),
                bad("negative batch size", "--batch-size must be between 1 and 100000", "table", "items", "set", "b = a", "batchSize", -5),
                bad("huge batch size", "--batch-size must be between 1 and 100000", "table", "items", "set", "b = a", "batchSize", 1_000_000_000),
                bad("bad schedule", "--schedule", "table", "items", "set", "b = a", "schedule", "Mon-Fri 25:00-26:00 rate=1"),
                bad("transaction control in --join", ";", "table", "items", "set", "b = x.a", "from", "items x", "join", "x.id = t.id; SET ROLE postgres"),
                bad("transaction control in --set", ";", "table", "items", "set", "b = 1; COMMIT"),
                bad("RESET in --where", ";", "table", "items", "set", "b = a", "where", "true; RESET ALL"),
                bad("transaction control in the schedule", "unknown day 'COMMIT'", "table", "items", "set", "b = a", "schedule",
                        "Mon-Fri 08:00-18:00 rate=5; COMMIT"),
                bad("statements in the probe", "--probe must be one query, got 4 statements", "table", "items", "set", "b = a",
                        "probe", "SELECT 1; COMMIT; CREATE TABLE probe_escape (i int); SELECT 0"),
                bad("an insert as the probe", "--probe must be a read-only query (SELECT, WITH, VALUES or TABLE), got INSERT", "table", "items",
                        "set", "b = a", "probe", "INSERT INTO items VALUES (1000, 1)"),
                bad("a delete as the probe", "got DELETE", "table", "items", "set", "b = a", "probe", "DELETE FROM items"),
                bad("SET ROLE as the probe", "got SET", "table", "items", "set", "b = a", "probe", "SET ROLE postgres"),
                bad("a writing function in the probe", "read-only transaction", "table", "items", "set", "b = a", "probe", "SELECT probe_writes()"),
                bad("a probe that fails", "--probe failed: relation \"nosuch\" does not exist", "table", "items", "set", "b = a",
                        "probe", "SELECT count(*) FROM nosuch"),
                bad("--disable-triggers over a foreign key", "--disable-triggers would also skip the checks of foreign key owned_items_owner_id_fkey",
                        "table", "owned_items", "set", "owner_id = 2", "disableTriggers", true),
                bad("a trigger that rewrites the assigned column", "trigger rewrite_b on \"public\".\"rewritten\" rewrites what --set writes",
                        "table", "rewritten", "set", "b = 1"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("badInputs")
    void badInputIsRefusedByTheCliWithExitTwoAndByTheApiWith400AndChangesNothing(Bad bad) throws Exception {
        String before = db.fingerprint();
        List<String> args = new java.util.ArrayList<>(List.of("run", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("bad")));
        args.addAll(bad.cli());

        CliTest.Result cli = CliTest.cli(args.toArray(String[]::new));
        HttpResponse<String> api = call("POST", "/api/jobs", OPERATOR, Json.write(bad.json()));

        assertThat(cli.exit()).as(cli.err()).isEqualTo(2);
        assertThat(cli.err()).startsWith("error: ").contains(bad.message()).doesNotContain("Exception", "\tat ");
        assertThat(cli.err().lines().count()).as(cli.err()).isEqualTo(1);
        assertThat(api.statusCode()).as(api.body()).isEqualTo(400);
        assertThat(api.body()).contains(bad.message().replace("\"", "\\\""));
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void unknownEndpointsAndMethodsAreAnsweredAsSuchNotAsAuthFailures() throws Exception {
        HttpResponse<String> noSuch = call("GET", "/api/nope", OPERATOR, null);
        HttpResponse<String> wrongMethod = call("PUT", "/api/jobs", OPERATOR, "{}");

        assertThat(noSuch.statusCode()).as(noSuch.body()).isEqualTo(404);
        assertThat(noSuch.body()).contains("no such endpoint");
        assertThat(wrongMethod.statusCode()).as(wrongMethod.body()).isEqualTo(405);
        assertThat(call("GET", "/api/nope", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void unknownJobIdsAndMalformedRequestsAreRefusedClearly() throws Exception {
        assertThat(call("POST", "/api/jobs/987654/pause", OPERATOR, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/jobs/not-a-number", VIEWER, null).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/jobs", OPERATOR, "[1, 2").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/jobs/1/throttle", OPERATOR, "{\"rate\": \"fast\"}").statusCode()).isEqualTo(400);
    }
}
