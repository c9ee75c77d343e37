package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.migrate.lint.Catalog;
import dev.pgbackfill.migrate.lint.CatalogReader;
import dev.pgbackfill.migrate.lint.Finding;
import dev.pgbackfill.migrate.lint.LintConfig;
import dev.pgbackfill.migrate.lint.Linter;
import dev.pgbackfill.migrate.lint.Rule;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.revision.SqlRevisionParser;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.testkit.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code migrate check --db}: the revisions still to run are judged against a real catalog, which is only read. */
class CatalogLintTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @BeforeAll
    static void schema() {
        db.exec("""
                CREATE TABLE big (id bigint PRIMARY KEY, code varchar(20), n int, note text NOT NULL, checked text, loose text);
                INSERT INTO big SELECT g, 'c' || g, g, repeat('x', 100), 'y', NULL FROM generate_series(1, 20000) g;
                ALTER TABLE big ADD CONSTRAINT big_checked_nn CHECK (checked IS NOT NULL);
                CREATE TABLE small (id bigint PRIMARY KEY, code text, tag varchar(10) CHECK (tag <> ''));
                INSERT INTO small SELECT g, 'c' FROM generate_series(1, 100) g;
                CREATE TABLE parts (id bigint, user_id bigint, at date) PARTITION BY RANGE (at);
                CREATE TABLE parts_2026 PARTITION OF parts FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                CREATE INDEX parts_at ON parts (at);
                CREATE FUNCTION app_region() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'eu' $$;
                CREATE FUNCTION app_token() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;
                ANALYZE big; ANALYZE small""");
    }

    static List<Revision> chain(String... bodies) {
        List<Revision> set = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            boolean nt = bodies[i].startsWith("NT:");
            String body = nt ? bodies[i].substring(3) : bodies[i];
            String phase = body.startsWith("-- phase: ") ? body.substring(0, body.indexOf('\n') + 1) : "";
            body = body.substring(phase.length());
            set.add(SqlRevisionParser.parse("c/" + (i + 1) + ".sql", "-- revision: c" + (i + 1) + "\n" + (i > 0 ? "-- down_revision: c" + i + "\n" : "")
                    + (nt ? "-- transactional: false\n" : "") + phase + "-- migrate:up\n" + body.replace("; ", ";\n") + ";\n-- migrate:down\nSELECT 1;\n"));
        }
        return set;
    }

    static Catalog catalog(String scope) throws Exception {
        try (Connection c = db.connect()) {
            return CatalogReader.read(c, scope);
        }
    }

    static List<Finding> check(String... bodies) throws Exception {
        return Linter.check(RevisionGraph.of(chain(bodies)), LintConfig.defaults(), catalog("lint"));
    }

    @Test
    void aBigTableKeepsTheErrorAndSaysHowBigASmallOneIsAWarning() throws Exception {
        List<Finding> findings = check("CREATE INDEX big_n ON big (n); CREATE INDEX small_code ON small (code)");

        assertThat(findings).extracting(Finding::rule, Finding::severity).containsExactly(
                tuple(Rule.INDEX_NOT_CONCURRENT, Rule.Severity.ERROR), tuple(Rule.INDEX_NOT_CONCURRENT, Rule.Severity.WARNING));
        assertThat(findings.get(0).database()).matches("big: about 20 k rows, \\d+ MB — the lock may be held for seconds \\(about \\d+ s at 100 MB/s\\)");
        assertThat(findings.get(1).database()).matches("small: about 100 rows, \\d+ kB — brief at this size today; it grows with the table");
        assertThat(findings.get(0).render()).contains("\n        database: big: about 20 k rows");
    }

    @Test
    void setNotNullIsQuietWhereTheDatabaseAlreadyProvesIt() throws Exception {
        assertThat(check("ALTER TABLE big ALTER COLUMN note SET NOT NULL, ALTER COLUMN checked SET NOT NULL")).isEmpty();
        assertThat(check("ALTER TABLE big ALTER COLUMN loose SET NOT NULL")).extracting(Finding::rule).containsExactly(Rule.SET_NOT_NULL);
    }

    @Test
    void aTypeChangeWithoutARewriteStillScansForTheColumnsCheck() throws Exception {
        assertThat(check("ALTER TABLE small ALTER COLUMN tag TYPE text")).extracting(Finding::why)
                .containsExactly("changing tag from character varying(10) to text keeps the table, but PostgreSQL re-checks the column's CHECK "
                        + "constraints with a full scan under an ACCESS EXCLUSIVE lock");
    }

    @Test
    void addingANotNullColumnWithoutADefaultStaysAnErrorOnASmallTable() throws Exception {
        assertThat(check("ALTER TABLE small ADD COLUMN required text NOT NULL")).extracting(Finding::rule, Finding::severity)
                .containsExactly(tuple(Rule.ADD_COLUMN_NOT_NULL, Rule.Severity.ERROR));
    }

    @Test
    void aNotValidNotNullConstraintOfPostgresql18ProvesNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(catalog("lint").serverVersion() >= 180000, "NOT NULL ... NOT VALID exists from PostgreSQL 18");
        db.exec("CREATE TABLE nn18 (id bigint PRIMARY KEY, a text, b text); INSERT INTO nn18 VALUES (1, 'x', 'y');"
                + "ALTER TABLE nn18 ADD CONSTRAINT nn18_a NOT NULL a NOT VALID; ALTER TABLE nn18 ADD CONSTRAINT nn18_b NOT NULL b NOT VALID;"
                + "ALTER TABLE nn18 VALIDATE CONSTRAINT nn18_b");

        assertThat(check("ALTER TABLE nn18 ALTER COLUMN a SET NOT NULL")).extracting(Finding::rule).containsExactly(Rule.SET_NOT_NULL);
        assertThat(check("ALTER TABLE nn18 ALTER COLUMN b SET NOT NULL")).isEmpty();
    }

    @Test
    void columnTypesComeFromTheCatalog() throws Exception {
        assertThat(check("ALTER TABLE big ALTER COLUMN code TYPE text")).isEmpty();
        assertThat(check("ALTER TABLE big ALTER COLUMN n TYPE bigint")).extracting(Finding::why)
                .containsExactly("changing n from integer to bigint rewrites the table and its indexes under an ACCESS EXCLUSIVE lock");
    }

    @Test
    void aDefaultsVolatilityIsWhatPgProcSays() throws Exception {
        assertThat(check("ALTER TABLE big ADD COLUMN region text DEFAULT app_region(), ADD COLUMN year text DEFAULT to_char(now(), 'YYYY')")).isEmpty();
        assertThat(check("ALTER TABLE big ADD COLUMN token text DEFAULT app_token()")).extracting(Finding::rule).containsExactly(Rule.VOLATILE_DEFAULT);
        // without the catalog neither function is on the allow-list
        assertThat(Linter.check(RevisionGraph.of(chain("ALTER TABLE big ADD COLUMN year text DEFAULT to_char(now(), 'YYYY')"))))
                .extracting(Finding::rule).containsExactly(Rule.VOLATILE_DEFAULT);
    }

    @Test
    void aPartitionedTableInTheDatabaseGetsThePartitionRules() throws Exception {
        assertThat(check("NT:CREATE INDEX CONCURRENTLY parts_at ON parts (at)")).extracting(Finding::rule).containsExactly(Rule.CONCURRENTLY_ON_PARTITIONED);
        assertThat(check("NT:DROP INDEX CONCURRENTLY parts_at")).extracting(Finding::rule).containsExactly(Rule.CONCURRENTLY_ON_PARTITIONED);
        assertThat(check("DROP INDEX parts_at")).as("the only form PostgreSQL accepts for a partitioned index").isEmpty();
        List<Finding> fk = check("ALTER TABLE parts ADD CONSTRAINT parts_user FOREIGN KEY (user_id) REFERENCES big (id) NOT VALID");
        if (catalog("lint").serverVersion() >= 180000) {
            assertThat(fk).as("PostgreSQL 18 accepts NOT VALID on a partitioned table").isEmpty();
        } else {
            assertThat(fk).extracting(Finding::rule).containsExactly(Rule.NOT_VALID_ON_PARTITIONED);
        }
    }

    @Test
    void aTableThatAPendingRevisionCreatesIsNewForTheRevisionsAfterIt() throws Exception {
        String create = "CREATE TABLE fresh (id bigint, email text)";
        String index = "CREATE INDEX fresh_email ON fresh (email)";

        assertThat(check(create, index)).isEmpty();
        assertThat(check(create, "-- phase: contract\n" + index)).as("a contract revision runs after the rollout, when the table may hold rows")
                .extracting(Finding::rule).containsExactly(Rule.INDEX_NOT_CONCURRENT);
        assertThat(Linter.check(RevisionGraph.of(chain(create, index)))).as("without --db the second revision may run long after the first")
                .extracting(Finding::rule).containsExactly(Rule.INDEX_NOT_CONCURRENT);
    }

    @Test
    void appliedRevisionsAreJudgedAsWrittenAndTheirTablesAreNotNewAnyMore() throws Exception {
        ControlSchema.install(db.dataSource());
        List<Revision> set = chain("CREATE TABLE applied_t (id bigint, email text)", "CREATE INDEX applied_t_email ON applied_t (email)");
        new Migrator(db.dataSource(), RevisionGraph.of(set.subList(0, 1)), MigrateSettings.defaults().withScope("applied"), null, s -> { })
                .up(null, Phase.CONTRACT, false);

        List<Finding> findings = Linter.check(RevisionGraph.of(set), LintConfig.defaults(), catalog("applied"));

        assertThat(findings).extracting(Finding::revision, Finding::rule, Finding::severity)
                .containsExactly(tuple("c2", Rule.INDEX_NOT_CONCURRENT, Rule.Severity.WARNING));
        assertThat(findings.get(0).database()).startsWith("applied_t: ");
    }

    @Test
    void readingTheCatalogWritesNothing() throws Exception {
        TestDatabase fresh = new TestDatabase().create("lintro");
        try {
            fresh.exec("CREATE TABLE t (id int)");
            String before = fresh.fingerprint();
            try (Connection c = fresh.connect()) {
                assertThat(CatalogReader.read(c, "default").tables()).containsKeys("t", "public.t");
            }
            assertThat(fresh.fingerprint()).isEqualTo(before);
            assertThat(fresh.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'pgbackfill'")).isZero();
        } finally {
            fresh.drop();
        }
    }
}
