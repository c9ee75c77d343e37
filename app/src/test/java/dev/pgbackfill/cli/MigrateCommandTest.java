package dev.pgbackfill.cli;

import static dev.pgbackfill.cli.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code pgbackfill migrate}: the example set end to end with real backfills, the contract gate, bad revision sets. */
class MigrateCommandTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    static String users() {
        return db.queryString("SELECT md5(string_agg(concat_ws('|', id, email, username, status), ',' ORDER BY id)) FROM users");
    }

    static String orders() {
        return db.queryString("SELECT md5(string_agg(concat_ws('|', id, user_email, total), ',' ORDER BY id)) FROM orders");
    }

    String[] args(String scope, String... more) {
        return Stream.concat(Stream.of(more), Stream.of("--db", db.url(), "--scope", scope, "--kafka", TestKafka.bootstrap(),
                "--topic", TestKafka.unique("mig"), "--retry-backoff-ms", "50")).toArray(String[]::new);
    }

    @Test
    void testReversiblePassesOnTheExampleSet() {
        TestDatabase scratch = new TestDatabase().create("reversible");
        try {
            CliTest.Result r = cli("migrate", "test-reversible", "--examples", "--db", scratch.url(), "--kafka", TestKafka.bootstrap(),
                    "--topic", TestKafka.unique("rev"));

            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("== 009: up → down → up").contains("reversible: every downgrade restored the catalog exactly (9 revisions)")
                    .doesNotContain("DIFFERENCE");
        } finally {
            scratch.drop();
        }
    }

    @Test
    void theExamplesBackfillEveryRowAndTheirDowngradesGiveTheDataBack() {
        db.exec("CREATE SCHEMA ex; SET search_path = ex");
        String url = db.url() + (db.url().contains("?") ? "&" : "?") + "currentSchema=ex";
        String[] common = {"--examples", "--db", url, "--scope", "examples", "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("ex")};
        assertThat(cli(concat(new String[] {"migrate", "up", "004"}, common)).exit()).isZero();
        db.exec("INSERT INTO ex.users (email, username, status) SELECT 'User' || g || '@Example.com', 'user' || g, "
                + "CASE WHEN g % 3 = 0 THEN 'inactive' ELSE 'active' END FROM generate_series(1, 3000) g; "
                + "INSERT INTO ex.orders (user_email, total) SELECT 'User' || (g % 3000 + 1) || '@Example.com', g / 7.0 FROM generate_series(1, 5000) g");
        String usersBefore = db.queryString("SELECT md5(string_agg(concat_ws('|', id, email, username, status), ',' ORDER BY id)) FROM ex.users");
        String ordersBefore = db.queryString("SELECT md5(string_agg(concat_ws('|', id, user_email, total), ',' ORDER BY id)) FROM ex.orders");

        CliTest.Result up = cli(concat(new String[] {"migrate", "up"}, common));

        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("current: [009]");
        assertThat(db.queryLong("SELECT count(*) FROM ex.users WHERE email_new = lower(email) AND login = 'user' || split_part(substr(email, 5), '@', 1) AND NOT verified")).isEqualTo(3000);
        assertThat(db.queryLong("SELECT count(*) FROM ex.orders o JOIN ex.users u ON u.id = o.user_id AND u.email = o.user_email "
                + "WHERE o.total_cents = round(o.id / 7.0 * 100)")).isEqualTo(5000);
        assertThat(db.queryString("SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute WHERE attrelid = 'ex.users'::regclass AND attnotnull AND attnum > 0"))
                .isEqualTo("created_at,email,email_new,id,status,verified");
        assertThat(db.queryString("SELECT convalidated::text FROM pg_constraint WHERE conname = 'orders_user_id_fkey'")).isEqualTo("true");

        CliTest.Result down = cli(concat(new String[] {"migrate", "down", "004"}, common));

        assertThat(down.exit()).as(down.out() + down.err()).isZero();
        assertThat(db.queryString("SELECT md5(string_agg(concat_ws('|', id, email, username, status), ',' ORDER BY id)) FROM ex.users")).isEqualTo(usersBefore);
        assertThat(db.queryString("SELECT md5(string_agg(concat_ws('|', id, user_email, total), ',' ORDER BY id)) FROM ex.orders")).isEqualTo(ordersBefore);
        assertThat(cli(concat(new String[] {"migrate", "up"}, common)).exit()).isZero();
    }

    @Test
    void aContractWaitsForItsBackfillUnlessFinalizeFinishesItInline() throws IOException {
        db.exec("CREATE TABLE cg (id bigint PRIMARY KEY, a int NOT NULL); INSERT INTO cg SELECT g, g FROM generate_series(1, 20000) g");
        Path jar = JavaRevisionJar.build(dir, "cg1", "CgRevision", """
                public void upgrade(Ops op) {
                    op.addColumn("cg", Column.of("b", "int"));
                    op.backfill("cg", "b = a * 2");
                    op.setNotNull("cg", "b");
                }
                public void downgrade(Ops op) { op.dropColumn("cg", "b"); }
                """);
        String topic = TestKafka.unique("gate");
        String[] common = {"--jar", jar.toString(), "--db", db.url(), "--scope", "gate", "--kafka", TestKafka.bootstrap(), "--topic", topic};

        CliTest.Result launched = cli(concat(new String[] {"migrate", "up", "--phase", "backfill", "--no-wait"}, common));
        assertThat(launched.exit()).as(launched.out() + launched.err()).isZero();
        assertThat(launched.out()).contains("left to the running workers");
        String before = db.fingerprint();

        CliTest.Result refused = cli(concat(new String[] {"migrate", "up"}, common));

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).containsPattern("error: revision cg1: its contract phase waits for backfill job \\d+, which is RUNNING")
                .contains("run migrate up --finalize to finish it in-line; nothing was changed");
        assertThat(db.fingerprint()).isEqualTo(before);

        CliTest.Result finalized = cli(concat(new String[] {"migrate", "up", "--finalize"}, common));

        assertThat(finalized.exit()).as(finalized.out() + finalized.err()).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM cg WHERE b = a * 2")).isEqualTo(20000);
        assertThat(db.queryString("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'cg'::regclass AND attname = 'b'")).isEqualTo("true");
    }

    @Test
    void rowsWrittenAfterTheBackfillBlockTheContractUntilFinalizeBackfillsThem() throws IOException {
        db.exec("CREATE TABLE late (id bigint PRIMARY KEY, a int NOT NULL); INSERT INTO late SELECT g, g FROM generate_series(1, 5000) g");
        Path jar = JavaRevisionJar.build(dir, "late1", "LateRevision", """
                public void upgrade(Ops op) {
                    op.addColumn("late", Column.of("b", "int"));
                    op.backfill("late", "b = a + 1");
                    op.setNotNull("late", "b");
                }
                public void downgrade(Ops op) { op.dropColumn("late", "b"); }
                """);
        String[] common = {"--jar", jar.toString(), "--db", db.url(), "--scope", "late", "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("late")};
        assertThat(cli(concat(new String[] {"migrate", "up", "--phase", "backfill"}, common)).exit()).isZero();
        db.exec("INSERT INTO late (id, a) SELECT g, g FROM generate_series(5001, 5010) g"); // an old application version, unaware of b

        CliTest.Result refused = cli(concat(new String[] {"migrate", "up"}, common));

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).containsPattern("backfill job \\d+ SUCCEEDED but 10 row\\(s\\) still match its predicate");
        assertThat(db.queryString("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'late'::regclass AND attname = 'b'")).isEqualTo("false");

        CliTest.Result finalized = cli(concat(new String[] {"migrate", "up", "--finalize"}, common));

        assertThat(finalized.exit()).as(finalized.out() + finalized.err()).isZero();
        assertThat(finalized.out()).contains("10 row(s) still to do after job");
        assertThat(db.queryLong("SELECT count(*) FROM late WHERE b = a + 1")).isEqualTo(5010);
    }

    @Test
    void aRevisionWithABackfillButNoContractStepsIsCompleteOnlyOnceItsJobSucceeded() throws IOException {
        db.exec("CREATE TABLE nc (id bigint PRIMARY KEY, a int NOT NULL); INSERT INTO nc SELECT g, g FROM generate_series(1, 3000) g");
        Path jar = JavaRevisionJar.build(dir, "nc1", "NcRevision", """
                public void upgrade(Ops op) {
                    op.addColumn("nc", Column.of("b", "int"));
                    op.backfill("nc", "b = a - 1");
                }
                public void downgrade(Ops op) { op.dropColumn("nc", "b"); }
                """);
        String[] common = {"--jar", jar.toString(), "--db", db.url(), "--scope", "nocontract", "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("nc")};

        CliTest.Result launched = cli(concat(new String[] {"migrate", "up", "--no-wait"}, common)); // --no-wait stops after the backfill phase
        CliTest.Result status = cli(concat(new String[] {"migrate", "status", "--json"}, common));
        CliTest.Result refused = cli(concat(new String[] {"migrate", "up"}, common));

        assertThat(launched.exit()).as(launched.err()).isZero();
        assertThat(launched.out()).contains("nc1 backfill done").contains("current: []");
        assertThat(status.out()).contains("\"state\":\"partial\"").contains("\"phaseDone\":\"backfill\"");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).containsPattern("its contract phase waits for backfill job \\d+, which is RUNNING");

        CliTest.Result finalized = cli(concat(new String[] {"migrate", "up", "--finalize"}, common));

        assertThat(finalized.exit()).as(finalized.out() + finalized.err()).isZero();
        assertThat(finalized.out()).contains("nc1 applied").contains("current: [nc1]");
        assertThat(db.queryLong("SELECT count(*) FROM nc WHERE b = a - 1")).isEqualTo(3000);
    }

    @Test
    void aCancelledBackfillIsRedoneByANewJobWithFinalize() throws IOException {
        db.exec("CREATE TABLE cx (id bigint PRIMARY KEY, a int NOT NULL); INSERT INTO cx SELECT g, g FROM generate_series(1, 3000) g");
        Path jar = JavaRevisionJar.build(dir, "cx1", "CxRevision", """
                public void upgrade(Ops op) {
                    op.addColumn("cx", Column.of("b", "int"));
                    op.backfill("cx", "b = a * 3");
                    op.setNotNull("cx", "b");
                }
                public void downgrade(Ops op) { op.dropColumn("cx", "b"); }
                """);
        String[] common = {"--jar", jar.toString(), "--db", db.url(), "--scope", "cancelled", "--kafka", TestKafka.bootstrap(), "--topic", TestKafka.unique("cx")};
        assertThat(cli(concat(new String[] {"migrate", "up", "--no-wait"}, common)).exit()).isZero();
        long job = db.queryLong("SELECT backfill_jobs[1] FROM pgbackfill.migration_version WHERE scope = 'cancelled'");
        new dev.pgbackfill.job.JobStore(db.dataSource()).transition(job, dev.pgbackfill.job.JobState.CANCELLED, "test", "operator changed their mind");

        CliTest.Result refused = cli(concat(new String[] {"migrate", "up"}, common));
        CliTest.Result finalized = cli(concat(new String[] {"migrate", "up", "--finalize"}, common));

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("backfill job " + job + ", which is CANCELLED").contains("run migrate up --finalize to backfill with a new job");
        assertThat(finalized.exit()).as(finalized.out() + finalized.err()).isZero();
        assertThat(finalized.out()).containsPattern("job " + job + " was CANCELLED; job \\d+ backfills in its place");
        assertThat(db.queryLong("SELECT count(*) FROM cx WHERE b = a * 3")).isEqualTo(3000);
        assertThat(db.queryLong("SELECT backfill_jobs[1] FROM pgbackfill.migration_version WHERE scope = 'cancelled'")).isNotEqualTo(job);
    }

    static Stream<Arguments> badRevisionSets() {
        return Stream.of(
                Arguments.of("cycle", Map.of("1.sql", header("1", "2"), "2.sql", header("2", "1")), "the revisions form a cycle: 1 (", "1.sql:2) → down_revision → 2 ("),
                Arguments.of("unknown parent", Map.of("1.sql", header("1", null), "2.sql", header("2", "9")), "2.sql:2: down_revision \"9\" of revision 2 does not exist", "2.sql:2"),
                Arguments.of("duplicate id", Map.of("1.sql", header("1", null), "1b.sql", header("1", null)), "duplicate revision id \"1\" in ", "1b.sql:1"),
                Arguments.of("two heads", Map.of("1.sql", header("1", null), "2.sql", header("2", "1"), "3.sql", header("3", "1")),
                        "2 heads: 2 (", "2.sql:1), 3 ("),
                Arguments.of("missing section", Map.of("1.sql", "-- revision: 1\n-- migrate:up\nCREATE TABLE never (id int);\n"),
                        "1.sql:4: missing section \"-- migrate:down\"", "1.sql:4"));
    }

    static String header(String id, String parent) {
        return "-- revision: " + id + "\n" + (parent == null ? "" : "-- down_revision: " + parent + "\n")
                + "-- migrate:up\nCREATE TABLE never_" + id + " (id int);\n-- migrate:down\nDROP TABLE never_" + id + ";\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRevisionSets")
    void aBadRevisionSetIsRefusedWithItsFileAndNothingApplied(String name, Map<String, String> files, String message, String where) throws IOException {
        for (var f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        String before = db.fingerprint();

        CliTest.Result r = cli(args("bad", "migrate", "up", "--migrations", dir.toString()));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(message).contains(where);
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    @Test
    void anUnknownTargetIsRefused() throws IOException {
        Files.writeString(dir.resolve("1.sql"), header("1", null));

        CliTest.Result r = cli(args("target", "migrate", "up", "42", "--migrations", dir.toString()));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: no revision \"42\"; known: [1], head, base");
    }

    @Test
    void checkFailsOnALintErrorNamingTheFileAndTheSafeForm() throws IOException {
        Files.writeString(dir.resolve("1.sql"), "-- revision: 1\n-- migrate:up\nCREATE INDEX t_a ON t (a);\n-- migrate:down\nDROP INDEX t_a;\n");

        CliTest.Result r = cli("migrate", "check", "--migrations", dir.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("error   [index-not-concurrent] revision 1 (1.sql:3): CREATE INDEX t_a ON t (a)")
                .contains("safe form: CREATE INDEX CONCURRENTLY")
                .contains("error   [drop-index-not-concurrent] revision 1 (1.sql:5): DROP INDEX t_a") // the downgrade locks too
                .contains("1 revision(s), head 1: 2 error(s), 0 warning(s)");
    }

    @Test
    void checkSpeaksSarifJsonAndGithubForCi() throws IOException {
        Files.writeString(dir.resolve("1.sql"), "-- revision: 1\n-- migrate:up\nCREATE INDEX t_a ON t (a);\n-- migrate:down\nSELECT 1;\n");

        CliTest.Result sarif = cli("migrate", "check", "--migrations", dir.toString(), "--format", "sarif");
        CliTest.Result json = cli("migrate", "check", "--migrations", dir.toString(), "--format", "json");
        CliTest.Result github = cli("migrate", "check", "--migrations", dir.toString(), "--format", "github");

        assertThat(List.of(sarif.exit(), json.exit(), github.exit())).containsOnly(1);
        tools.jackson.databind.JsonNode log = dev.pgbackfill.job.Json.MAPPER.readTree(sarif.out());
        assertThat(log.get("version").asString()).isEqualTo("2.1.0");
        tools.jackson.databind.JsonNode result = log.get("runs").get(0).get("results").get(0);
        assertThat(result.get("ruleId").asString()).isEqualTo("index-not-concurrent");
        assertThat(result.get("level").asString()).isEqualTo("error");
        assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asString()).endsWith("1.sql");
        assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(3);
        assertThat(log.at("/runs/0/tool/driver/rules").size()).isEqualTo(dev.pgbackfill.migrate.lint.Rule.values().length);
        tools.jackson.databind.JsonNode finding = dev.pgbackfill.job.Json.MAPPER.readTree(json.out()).get(0);
        assertThat(finding.get("rule").asString()).isEqualTo("index-not-concurrent");
        assertThat(finding.get("line").asInt()).isEqualTo(3);
        assertThat(github.out().strip()).startsWith("::error file=").contains("1.sql,line=3,title=index-not-concurrent::revision 1: ");
        assertThat(sarif.err()).contains("1 revision(s), head 1: 1 error(s)");
    }

    @Test
    void checkWithDbJudgesPendingRevisionsByTheCatalogWritesNothingAndReadsTheFoldersRuleLevels() throws IOException {
        TestDatabase target = new TestDatabase().create("checkdb");
        try {
            target.exec("CREATE TABLE tiny (a int, meta text); ANALYZE tiny");
            Files.writeString(dir.resolve("1.sql"), "-- revision: 1\n-- migrate:up\nCREATE INDEX tiny_a ON tiny (a);\n"
                    + "ALTER TABLE tiny ADD COLUMN doc json;\n-- migrate:down\nSELECT 1;\n");
            Files.writeString(dir.resolve(dev.pgbackfill.migrate.lint.LintConfig.FILE_NAME), "prefer-jsonb = error\n");
            String before = target.fingerprint();

            CliTest.Result withDb = cli("migrate", "check", "--migrations", dir.toString(), "--db", target.url());
            CliTest.Result tuned = cli("migrate", "check", "--migrations", dir.toString(), "--db", target.url(), "--rule", "prefer-jsonb=off");

            assertThat(withDb.out()).contains("warning [index-not-concurrent]").contains("database: tiny: about 0 rows, ").contains("brief at this size today")
                    .contains("error   [prefer-jsonb]");
            assertThat(withDb.exit()).isEqualTo(1); // the folder's configuration makes prefer-jsonb an error
            assertThat(tuned.exit()).isZero();
            assertThat(tuned.out()).doesNotContain("prefer-jsonb");
            assertThat(target.fingerprint()).isEqualTo(before);
            assertThat(target.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'pgbackfill'")).isZero();
            assertThat(cli("migrate", "check", "--migrations", dir.toString(), "--rule", "no-such-rule=off").err())
                    .contains("unknown lint rule \"no-such-rule\"");
        } finally {
            target.drop();
        }
    }

    @Test
    void checkPassesOnTheExamplesAndSqlPrintsTheLoweredStatements() {
        assertThat(cli("migrate", "check", "--examples").exit()).isZero();

        CliTest.Result sql = cli("migrate", "sql", "008:head", "--examples");

        assertThat(sql.exit()).isZero();
        assertThat(sql.out()).contains("-- Revision 009: orders.user_id referencing users")
                .contains("ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") NOT VALID;")
                .contains("--   pgbackfill run --table 'orders' --set 'user_id = u.id' --from 'users u' --join 'u.email = t.user_email'")
                .contains("ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"orders_user_id_fkey\";")
                .doesNotContain("Revision 008");
    }

    @Test
    void downMinusOneRevertsTheLastRevision() throws IOException {
        Files.writeString(dir.resolve("1.sql"), header("1", null).replace("never_1", "d1"));
        Files.writeString(dir.resolve("2.sql"), header("2", "1").replace("never_2", "d2"));
        assertThat(cli(args("minus", "migrate", "up", "--migrations", dir.toString())).exit()).isZero();

        CliTest.Result r = cli(args("minus", "migrate", "down", "-1", "--migrations", dir.toString()));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 reverted").contains("current: [1]");
        assertThat(db.queryLong("SELECT count(*) FROM pg_tables WHERE tablename IN ('d1', 'd2')")).isEqualTo(1);
    }

    static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
