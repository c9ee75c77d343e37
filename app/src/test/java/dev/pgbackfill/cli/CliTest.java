package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.Json;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command line's contract: commands, exit codes (0 done, 1 failed, 2 invalid input, 3 unreachable), output. */
class CliTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    record Result(int exit, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    static synchronized Result cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void helpListsEveryCommand() {
        Result r = cli("--help");

        assertThat(r.exit()).isZero();
        for (String command : List.of("demo", "run", "launch", "status", "pause", "resume", "cancel", "coordinator", "worker", "migrate", "test")) {
            assertThat(r.out()).containsPattern("(?m)^  " + command + "\\s");
        }
    }

    @Test
    void runSucceedsAndPrintsTheStatusAsJsonOnItsLastLine() {
        db.exec("CREATE TABLE r (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO r SELECT g, g FROM generate_series(1, 5000) g");

        Result r = cli("run", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("cli"),
                "--table", "r", "--set", "b = a + 1", "--workers", "2", "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        @SuppressWarnings("unchecked") Map<String, Object> status = Json.read(r.lastLine(), Map.class);
        assertThat(status).containsKeys("id", "state", "rowsDone", "rowsEstimated", "rowsPerSecond", "startedAt", "finishedAt",
                "throttleReason", "stuckRows");
        assertThat(status.get("state")).isEqualTo("SUCCEEDED");
        assertThat(status.get("rowsDone")).isEqualTo(5000);
        assertThat(db.queryLong("SELECT count(*) FROM r WHERE b IS DISTINCT FROM a + 1")).isZero();
    }

    @Test
    void aSubqueryInSetRunsWithWhereAndIsRefusedWithoutItSayingSo() {
        db.exec("CREATE TABLE rentals_c (id int PRIMARY KEY, rentals bigint); CREATE TABLE rentals_r (id int PRIMARY KEY, customer_id int);"
                + "INSERT INTO rentals_c SELECT g FROM generate_series(1, 300) g; INSERT INTO rentals_r SELECT g, g % 100 + 1 FROM generate_series(1, 900) g");
        String set = "rentals = (SELECT count(*) FROM rentals_r r WHERE r.customer_id = t.id)";

        Result refused = cli("run", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--table", "rentals_c", "--set", set);
        Result ran = cli("run", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("cli"), "--table", "rentals_c",
                "--set", set, "--where", "rentals IS NULL", "--json");

        assertThat(refused.exit()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("give --where").doesNotContain("Connection is closed");
        assertThat(ran.exit()).as(ran.err()).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM rentals_c WHERE rentals IS DISTINCT FROM CASE WHEN id <= 100 THEN 9 ELSE 0 END")).isZero();
    }

    @Test
    void unknownTableExitsTwoWithASuggestionAndCreatesNothing() {
        db.exec("CREATE TABLE customers (id int PRIMARY KEY, n int)");
        String before = db.fingerprint();

        Result r = cli("run", "--db", db.url(), "--kafka", "127.0.0.1:1", "--table", "customer", "--set", "n = 1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: table \"customer\" not found; did you mean \"customers\"?");
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void malformedDatabaseUrlExitsTwoNamingTheSetting() {
        Result r = cli("run", "--db", "postgres://nope", "--table", "t", "--set", "a = 1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--db must be a PostgreSQL JDBC URL");
    }

    @Test
    void unreachableDatabaseExitsThree() {
        Result r = cli("run", "--db", "jdbc:postgresql://127.0.0.1:1/nope", "--table", "t", "--set", "a = 1");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/nope").doesNotContain("at org.");
    }

    @Test
    void unreachableKafkaExitsThreeAndLeavesNoJob() {
        db.exec("CREATE TABLE k (id int PRIMARY KEY, n int)");

        Result r = cli("run", "--db", db.url(), "--kafka", "127.0.0.1:1", "--table", "k", "--set", "n = 1");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot reach Kafka at 127.0.0.1:1");
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.job WHERE target_table = '\"public\".\"k\"'")).isZero();
    }

    @Test
    void workerWithoutKafkaIsRefused() {
        Result r = cli("worker", "--db", db.url());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("a worker needs --kafka");
    }

    @Test
    void clientCommandWithoutCoordinatorExitsThree() {
        Result r = cli("status", "1", "--url", "http://127.0.0.1:1", "--token", "x");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot reach the coordinator at http://127.0.0.1:1");
    }

    @Test
    void runWithoutKafkaInTheProductionJarIsRefusedBeforeAnyWrite() {
        db.exec("CREATE TABLE nokafka (id int PRIMARY KEY, n int)");
        String before = db.fingerprint();

        Result r = cli("run", "--db", db.url(), "--table", "nokafka", "--set", "n = 1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: no --kafka given, and this is the production jar, which has no embedded PostgreSQL or Kafka: "
                + "pass --kafka (or its PGBACKFILL_ variable), or run the demo jar (pgbackfill-demo.jar, or ./pgbackfill in a source checkout)");
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void migrateUpWithBackfillsButNoKafkaInTheProductionJarIsRefusedBeforeAnyWrite() {
        String before = db.fingerprint();

        Result r = cli("migrate", "up", "--db", db.url(), "--examples", "--scope", "nokafka");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: no --kafka given, and this is the production jar");
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void migrateStatusNeedsNoKafkaEvenWhenTheRevisionsHoldBackfills() {
        Result r = cli("migrate", "status", "--db", db.url(), "--examples", "--scope", "nokafka-status");

        assertThat(r.err()).doesNotContain("production jar");
        assertThat(r.exit()).isZero();
    }

    @Test
    void coordinatorWithoutKafkaInTheProductionJarIsRefusedBeforeAnyWrite() {
        String before = db.fingerprint();

        Result r = cli("coordinator", "--db", db.url(), "--port", "0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: no --kafka given, and this is the production jar");
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void helpListsNeitherTheHiddenTrainingCommandNorTheDemoJarsBench() {
        Result r = cli("--help");

        assertThat(r.out()).doesNotContainPattern("(?m)^  (train-cache|bench)\\s");
    }

    @Test
    void aMisusedSubcommandPointsAtItsOwnHelp() {
        Result r = cli("migrate", "sql", "--examples");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: '[FROM:]TO'", "see: pgbackfill migrate sql --help");
    }

    @Test
    void everyCommandTheClassCacheIsTrainedOnSucceedsAgainstTheStubCoordinator() {
        Result r = cli("train-cache");

        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(TrainCacheCommand.TRAINED).extracting(c -> c.get(0))
                .contains("status", "launch", "pause", "resume", "cancel", "throttle", "migrate");
    }

    @Test
    void aCoordinatorUrlThatIsNotHttpExitsTwo() {
        Result r = cli("status", "1", "--url", "ftp://127.0.0.1:1", "--token", "x");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--url 'ftp://127.0.0.1:1' is not an http:// or https:// URL");
    }

    @Test
    void unknownOptionExitsTwo() {
        Result r = cli("run", "--table", "x", "--set", "a = 1", "--batchsize", "5");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown options: '--batchsize'");
    }

    @Test
    void demoRunsTheExampleMigrationsExpandBackfillContract() {
        Result r = cli("demo", "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("demo"), "--rows", "3000");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("== migrate up 004", "== migrate up --phase expand", "== migrate up --phase backfill", "== migrate up: contract",
                "== done: 5 backfill jobs, 12,000 rows");
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill_demo.users WHERE email_new IS DISTINCT FROM lower(email)")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill_demo.orders WHERE user_id IS NULL")).isZero();
        assertThat(db.queryString("SELECT is_nullable FROM information_schema.columns WHERE table_schema = 'pgbackfill_demo' "
                + "AND table_name = 'users' AND column_name = 'email_new'")).isEqualTo("NO");
    }

    @Test
    void roleThatMayNotCreateTheControlSchemaExitsTwoAndChangesNothing() {
        TestDatabase fresh = new TestDatabase().create("noperm"); // no control schema in it yet
        String role = "pgbf_noperm_" + ProcessHandle.current().pid();
        try {
            fresh.exec("CREATE TABLE np (id int PRIMARY KEY, n int); INSERT INTO np VALUES (1, NULL)");
            fresh.exec("DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role + " LOGIN; GRANT SELECT, UPDATE ON np TO " + role
                    + "; REVOKE CREATE ON DATABASE " + fresh.name() + " FROM PUBLIC");
            String url = fresh.url().replaceAll("user=[^&]*", "user=" + role);
            String before = fresh.fingerprint();

            Result r = cli("run", "--db", url, "--kafka", TestKafka.bootstrap(), "--table", "np", "--set", "n = 1");

            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("error: the database role may not create or use schema pgbackfill (permission denied for database")
                    .contains("GRANT CREATE ON DATABASE").doesNotContain("\n");
            assertThat(fresh.fingerprint()).isEqualTo(before);
        } finally {
            fresh.exec("DROP OWNED BY " + role + "; DROP ROLE " + role);
            fresh.drop();
        }
    }
}
