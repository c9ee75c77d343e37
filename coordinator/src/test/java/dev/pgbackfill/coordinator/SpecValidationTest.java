package dev.pgbackfill.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.coordinator.plan.SpecValidator;
import dev.pgbackfill.error.InvalidExpressionException;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.NoUsableKeyException;
import dev.pgbackfill.error.UnknownColumnException;
import dev.pgbackfill.error.UnknownTableException;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input is refused before the first write, with a message that says what to fix, and changes nothing. */
class SpecValidationTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @BeforeAll
    static void schema() {
        db.exec("""
                CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, email_new text, n int, created timestamptz);
                CREATE TABLE nokey (a int, b int);
                CREATE TABLE uniq (code text NOT NULL UNIQUE, maybe int UNIQUE, v int);
                CREATE TABLE x (id int PRIMARY KEY);
                INSERT INTO users SELECT g, 'U' || g || '@x', NULL, g FROM generate_series(1, 100) g;
                INSERT INTO x VALUES (1);
                CREATE TABLE lookup (id bigint PRIMARY KEY, x int);
                CREATE TABLE trig_bad (id bigint PRIMARY KEY, b int);
                INSERT INTO trig_bad SELECT g FROM generate_series(1, 10) g;
                CREATE FUNCTION trig_bad_nullify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.b := NULL; RETURN NEW; END $$;
                CREATE TRIGGER trig_bad_nullify BEFORE UPDATE ON trig_bad FOR EACH ROW EXECUTE FUNCTION trig_bad_nullify();
                CREATE TABLE trig_ok (id bigint PRIMARY KEY, b int, touched timestamptz);
                INSERT INTO trig_ok SELECT g FROM generate_series(1, 10) g;
                CREATE FUNCTION trig_ok_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;
                CREATE TRIGGER trig_ok_touch BEFORE UPDATE ON trig_ok FOR EACH ROW EXECUTE FUNCTION trig_ok_touch();
                CREATE VIEW users_v AS SELECT * FROM users;
                CREATE MATERIALIZED VIEW users_mv AS SELECT id, n FROM users;""");
    }

    private static BackfillSpec spec(String table, String set) {
        return BackfillSpec.on(table).set(set).build();
    }

    private static ResolvedSpec validate(BackfillSpec spec) throws Exception {
        try (Connection c = db.connect()) {
            return new SpecValidator(c).validate(spec).spec();
        }
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of(spec("userz", "email_new = lower(email)"), UnknownTableException.class, "table \"userz\" not found; did you mean \"users\"?"),
                Arguments.of(spec("users", "emial_new = lower(email)"), UnknownColumnException.class, "column \"emial_new\" not found in \"public\".\"users\"; did you mean \"email_new\"?"),
                Arguments.of(spec("nokey", "b = a"), NoUsableKeyException.class, "has no primary key"),
                Arguments.of(BackfillSpec.on("uniq").set("v = 1").key("maybe").build(), NoUsableKeyException.class, "allow NULL"),
                Arguments.of(BackfillSpec.on("users").set("n = 1").key("email_new").build(), NoUsableKeyException.class, "is not unique"),
                Arguments.of(spec("users", "email_new = lower(emial)"), InvalidExpressionException.class, "column \"emial\" does not exist"),
                Arguments.of(spec("users", "n = 'abc' ||"), InvalidExpressionException.class, "syntax error"),
                Arguments.of(spec("users", "n = now()"), InvalidExpressionException.class, "cannot cast type timestamp with time zone to integer"),
                Arguments.of(spec("users", "email_new = md5(random()::text)"), InvalidExpressionException.class, "not immutable"),
                Arguments.of(spec("users", "email_new = t.email || now()::text"), InvalidExpressionException.class, "not immutable"),
                Arguments.of(spec("users", "n = (SELECT max(id) FROM x)"), InvalidExpressionException.class, "cannot be proven so"),
                Arguments.of(spec("users", "id = id + 1"), InvalidInputException.class, "cannot change key column \"id\""),
                Arguments.of(spec("users", "n = 1; DROP TABLE x"), InvalidExpressionException.class, "';' is not allowed"),
                Arguments.of(spec("users", "n = 1 -- comment"), InvalidExpressionException.class, "comments are not allowed"),
                Arguments.of(spec("users", "n = 1) OR (true"), InvalidExpressionException.class, "unbalanced ')'"),
                Arguments.of(spec("users; DROP TABLE x", "n = 1"), InvalidInputException.class, "is not a valid SQL name"),
                Arguments.of(spec("usеrs", "n = 1"), InvalidInputException.class, "is not a valid SQL name"), // Cyrillic 'е'
                Arguments.of(BackfillSpec.on("users").set("n = 1").where("n + 1").build(), InvalidExpressionException.class, "--where is not valid"),
                Arguments.of(BackfillSpec.on("users").set("n = 1").from("x", null).build(), InvalidInputException.class, "--from and --join go together"),
                Arguments.of(BackfillSpec.on("users").set("n = 1").batchSize(0).build(), InvalidInputException.class, "--batch-size must be between"),
                Arguments.of(BackfillSpec.on("users").set("n = 1").chunkSize(-5L).build(), InvalidInputException.class, "--chunk-size must be between"),
                Arguments.of(BackfillSpec.on("users").set().build(), InvalidInputException.class, "at least one --set"),
                Arguments.of(spec("users", "n == 1"), InvalidInputException.class, "is not of the form"),
                Arguments.of(spec("pgbackfill.job", "state = 'x'"), InvalidInputException.class, "does not backfill system or its own tables"),
                Arguments.of(BackfillSpec.on("users").set("n = l.x + (random() * 1000)::int").from("lookup l", "l.id = t.id").build(),
                        InvalidExpressionException.class, "give --where that selects only rows still to do"),
                Arguments.of(BackfillSpec.on("users").set("n = l.x + (SELECT count(*) FROM x)").from("lookup l", "l.id = t.id").build(),
                        InvalidExpressionException.class, "give --where that selects only rows still to do"),
                Arguments.of(spec("trig_bad", "b = 1"), InvalidInputException.class,
                        "trigger trig_bad_nullify on \"public\".\"trig_bad\" rewrites what --set writes: the row with key [1] still matches"),
                Arguments.of(spec("users_v", "n = 1"), InvalidInputException.class,
                        "--table \"users_v\" is a view: backfill the table it reads from (users); nothing was changed"),
                Arguments.of(spec("users_mv", "n = 1"), InvalidInputException.class, "is a materialized view: backfill the tables it reads from"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badSpecs")
    void badSpecIsRefusedWithAClearMessageAndNothingChanges(BackfillSpec spec, Class<? extends Exception> type, String message) {
        String before = db.fingerprint();

        assertThatThrownBy(() -> validate(spec)).isInstanceOf(type).hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidInputException) e).exitCode()).isEqualTo(2));

        assertThat(db.fingerprint()).isEqualTo(before);
        assertThat(db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'pgbackfill'")).isZero();
    }

    @Test
    void derivedPredicateMakesEveryBatchIdempotent() throws Exception {
        ResolvedSpec r = validate(spec("users", "email_new = lower(email)"));

        assertThat(r.predicate()).isEqualTo("t.\"email_new\" IS DISTINCT FROM CAST((lower(email)) AS text)");
        assertThat(r.derivedPredicate()).isTrue();
        assertThat(r.keys()).extracting("name", "type").containsExactly(org.assertj.core.groups.Tuple.tuple("id", "bigint"));
    }

    @Test
    void userWhereIsCombinedWithTheDerivedPredicate() throws Exception {
        ResolvedSpec r = validate(BackfillSpec.on("users").set("n = 0").where("n > 50").build());

        assertThat(r.predicate()).isEqualTo("(n > 50) AND (t.\"n\" IS DISTINCT FROM CAST((0) AS integer))");
    }

    @Test
    void volatileExpressionIsAcceptedWithAnExplicitWhere() throws Exception {
        ResolvedSpec r = validate(BackfillSpec.on("users").set("created = now()").where("created IS NULL").build());

        assertThat(r.predicate()).isEqualTo("created IS NULL");
        assertThat(r.derivedPredicate()).isFalse();
    }

    @Test
    void anImmutableExpressionOverAJoinedRelationGetsTheDerivedPredicate() throws Exception {
        ResolvedSpec r = validate(BackfillSpec.on("users").set("n = l.x + length(t.email)").from("lookup l", "l.id = t.id").build());

        assertThat(r.derivedPredicate()).isTrue();
        assertThat(r.predicate()).isEqualTo("t.\"n\" IS DISTINCT FROM CAST((l.x + length(t.email)) AS integer)");
    }

    @Test
    void aVolatileExpressionOverAJoinedRelationRunsWithAnExplicitWhere() throws Exception {
        ResolvedSpec r = validate(BackfillSpec.on("users").set("n = l.x + (random() * 1000)::int").from("lookup l", "l.id = t.id")
                .where("n IS NULL").build());

        assertThat(r.derivedPredicate()).isFalse();
        assertThat(r.predicate()).isEqualTo("n IS NULL");
    }

    @Test
    void aTriggerThatTouchesOtherColumnsIsFine() throws Exception {
        ResolvedSpec r = validate(spec("trig_ok", "b = 1"));

        assertThat(r.derivedPredicate()).isTrue();
        assertThat(db.queryLong("SELECT count(*) FROM trig_ok WHERE b IS NOT NULL OR touched IS NOT NULL")).as("the trial was rolled back").isZero();
    }

    @Test
    void uniqueNotNullColumnServesAsExplicitKey() throws Exception {
        ResolvedSpec r = validate(BackfillSpec.on("uniq").set("v = 1").key("code").build());

        assertThat(r.keys()).extracting("name").containsExactly("code");
    }

    @Test
    void semicolonInsideAStringLiteralIsJustText() throws Exception {
        ResolvedSpec r = validate(spec("users", "email_new = email || ';--'"));

        assertThat(r.assignments().get(0).expression()).isEqualTo("email || ';--'");
    }
}
