package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Separate processes, as in production: a coordinator JVM and three worker JVMs on a 200 000-row job. Workers are
 * killed with SIGKILL three times during the job (and started again), the coordinator once (and started again).
 * The job must SUCCEED with every row changed exactly once and the table equal to a single-statement reference.
 */
class ProcessChaosTest {
    static final int ROWS = Integer.getInteger("pgbackfill.reliability.rows", 200_000); // a soak run raises it
    static final String OPERATOR = "operator-token-for-chaos-test-0123456789";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    final List<Process> processes = new ArrayList<>();

    @org.junit.jupiter.api.BeforeEach
    void freshLogs() throws Exception {
        for (String log : List.of("coordinator", "worker1", "worker2", "worker3")) {
            java.nio.file.Files.deleteIfExists(Path.of("target", "chaos-" + log + ".log"));
        }
    }
    final HttpClient http = HttpClient.newHttpClient();
    String topic;
    int port;

    Process start(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target", "chaos-" + name + ".log")));
        pb.environment().put("PGBACKFILL_OPERATOR_TOKEN", OPERATOR);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    Process coordinator() throws Exception {
        Process p = start("coordinator", "coordinator", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", topic,
                "--port", Integer.toString(port));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/api/jobs").statusCode() == 200) {
                    return p;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the coordinator did not start; see target/chaos-coordinator.log");
    }

    Process worker(int n) throws Exception {
        return start("worker" + n, "worker", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", topic, "--threads", "1",
                "--lease-seconds", "3");
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + OPERATOR).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    long rowsDone(long job) {
        return db.queryLong("SELECT coalesce(sum(rows_done), 0) FROM pgbackfill.chunk WHERE job_id = ?", job);
    }

    void awaitRows(long job, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (rowsDone(job) < rows && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no lease released, no offset committed
        p.waitFor();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    @Test
    void workersKilledThreeTimesAndTheCoordinatorOnceLoseNoRowAndApplyNoneTwice() throws Exception {
        db.exec("CREATE TABLE chaos (id bigint PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO chaos SELECT g, g % 1000 FROM generate_series(1, " + ROWS + ") g; ANALYZE chaos; "
                + "CREATE TABLE chaos_ref AS SELECT * FROM chaos; UPDATE chaos_ref SET b = a * 2 + 1; "
                + "CREATE TABLE audit_log (id bigint NOT NULL); "
                + "CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NEW; END $$; "
                + "CREATE TRIGGER audit AFTER UPDATE ON chaos FOR EACH ROW EXECUTE FUNCTION audit()");
        topic = TestKafka.unique("chaos");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process coordinator = coordinator();
        Process[] workers = {worker(1), worker(2), worker(3)};
        HttpResponse<String> launched = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"table\":\"chaos\",\"set\":[\"b = a * 2 + 1\"],\"batchSize\":500,"
                        + "\"chunkSize\":10000,\"throttle\":{\"rate\":6000}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        long job = db.queryLong("SELECT max(id) FROM pgbackfill.job");

        int faults = 0;
        for (int round = 0; round < 3; round++) {
            awaitRows(job, (long) ROWS * (round + 1) / 5);
            kill(workers[round]);
            faults++;
            workers[round] = worker(round + 1);
            if (round == 1) {
                kill(coordinator);
                faults++;
                coordinator = coordinator();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!db.queryString("SELECT state FROM pgbackfill.job WHERE id = ?", job).matches("SUCCEEDED|FAILED|CANCELLED") && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }

        assertThat(faults).isEqualTo(4);
        assertThat(db.queryString("SELECT state || coalesce(' ' || last_error, '') FROM pgbackfill.job WHERE id = ?", job)).isEqualTo("SUCCEEDED");
        assertThat(db.queryLong("SELECT count(*) FROM (SELECT id FROM audit_log GROUP BY id HAVING count(*) <> 1) wrong")).as("rows changed twice").isZero();
        assertThat(db.queryLong("SELECT count(DISTINCT id) FROM audit_log")).as("rows changed").isEqualTo(ROWS);
        assertThat(db.queryString("SELECT md5(string_agg(concat_ws('|', id, a, b), ',' ORDER BY id)) FROM chaos"))
                .isEqualTo(db.queryString("SELECT md5(string_agg(concat_ws('|', id, a, b), ',' ORDER BY id)) FROM chaos_ref"));
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND state <> 'DONE'", job)).isZero();
        for (String log : List.of("coordinator", "worker1", "worker2", "worker3")) {
            assertThat(java.nio.file.Files.readString(Path.of("target", "chaos-" + log + ".log"))).as("the token in " + log + "'s log")
                    .doesNotContain(OPERATOR);
        }
    }
}
