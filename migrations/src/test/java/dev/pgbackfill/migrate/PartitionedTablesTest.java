package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * op.createIndex and op.addForeignKey on partitioned tables, where PostgreSQL refuses CONCURRENTLY and (before 18)
 * NOT VALID: the executor builds each partition's index concurrently and attaches it, and validates each partition's
 * foreign key before adding it on the parent. Runs on every version of the matrix.
 */
class PartitionedTablesTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void install() {
        ControlSchema.install(db.dataSource());
    }

    /** {@code name}: a table partitioned by range of id, with a plain partition and one sub-partitioned by list. */
    static void partitionedTable(String name) {
        db.exec("CREATE TABLE " + name + " (id bigint NOT NULL, kind int NOT NULL, user_id bigint, note text) PARTITION BY RANGE (id);"
                + "CREATE TABLE " + name + "_low PARTITION OF " + name + " FOR VALUES FROM (0) TO (1000);"
                + "CREATE TABLE " + name + "_high PARTITION OF " + name + " FOR VALUES FROM (1000) TO (2000) PARTITION BY LIST (kind);"
                + "CREATE TABLE " + name + "_high_a PARTITION OF " + name + "_high FOR VALUES IN (0);"
                + "CREATE TABLE " + name + "_high_b PARTITION OF " + name + "_high FOR VALUES IN (1);"
                + "INSERT INTO " + name + " SELECT g, g % 2, g % 50 + 1, 'n' || g FROM generate_series(1, 1999) g");
    }

    Migrator migrator(String scope, Consumer<Ops> up, Consumer<Ops> down) {
        Revision r = MigratorTest.java("1", up, down);
        MigrateSettings settings = MigrateSettings.defaults().withScope(scope).withLockTimeout(Duration.ofMillis(500), 5, Duration.ofMillis(100));
        return new Migrator(db.dataSource(), RevisionGraph.of(List.of(r)), settings, null, log::add);
    }

    @Test
    void createIndexOnAPartitionedTableBuildsEveryPartitionsIndexConcurrentlyAndAttachesIt() {
        partitionedTable("pix");
        Migrator m = migrator("pix", op -> op.createIndex("pix_note", "pix", "note"), op -> op.dropIndex("pix_note"));

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'pix_note'::regclass")).isEqualTo("true");
        assertThat(db.queryString("SELECT string_agg(c.relname || ':' || x.indisvalid, ',' ORDER BY c.relname) FROM pg_partition_tree('pix_note') t "
                + "JOIN pg_class c ON c.oid = t.relid JOIN pg_index x ON x.indexrelid = t.relid WHERE t.level > 0"))
                .isEqualTo("pix_high_a_pix_high_pix_note:true,pix_high_b_pix_high_pix_note:true,pix_high_pix_note:true,pix_low_pix_note:true");
        assertThat(log).anyMatch(l -> l.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"pix_low_pix_note\" ON \"public\".\"pix_low\""))
                .anyMatch(l -> l.contains("CREATE INDEX IF NOT EXISTS \"pix_note\" ON ONLY \"public\".\"pix\""));

        m.down("base");

        assertThat(db.queryLong("SELECT count(*) FROM pg_class WHERE relname LIKE '%pix_note'")).isZero();
    }

    @Test
    void aPartitionedIndexBuildInterruptedAfterSomePartitionsIsCompletedByTheRetry() {
        partitionedTable("pir");
        // a first attempt got as far as the parent's index and one partition's, unattached
        db.exec("CREATE INDEX pir_note ON ONLY pir (note); CREATE INDEX pir_low_pir_note ON pir_low (note)");
        Migrator m = migrator("pir", op -> op.createIndex("pir_note", "pir", "note"), op -> op.dropIndex("pir_note"));

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'pir_note'::regclass")).isEqualTo("true");
        assertThat(db.queryLong("SELECT count(*) FROM pg_partition_tree('pir_note')")).isEqualTo(5);
    }

    @Test
    void addForeignKeyOnAPartitionedTableValidatesEachPartitionThenHoldsOnTheParent() {
        db.exec("CREATE TABLE pfk_users (id bigint PRIMARY KEY); INSERT INTO pfk_users SELECT generate_series(1, 50)");
        partitionedTable("pfk");
        Migrator m = migrator("pfk", op -> op.addForeignKey("pfk_user", "pfk", "user_id", "pfk_users", "id"),
                op -> op.dropConstraint("pfk", "pfk_user"));

        m.up(null, Phase.EXPAND, false);
        // between the phases new rows are already checked, whichever form the server took
        assertThatThrownBy(() -> db.exec("INSERT INTO pfk VALUES (7, 1, 999, 'x')")).hasMessageContaining("pfk_user");
        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT convalidated::text FROM pg_constraint WHERE conrelid = 'pfk'::regclass AND conname = 'pfk_user'"))
                .isEqualTo("true");
        assertThat(db.queryString("SELECT string_agg(conrelid::regclass || ':' || convalidated || ':' || (conparentid <> 0), ',' ORDER BY conrelid::regclass::text) "
                + "FROM pg_constraint WHERE conname = 'pfk_user' AND conrelid <> 'pfk'::regclass"))
                .isEqualTo("pfk_high:true:true,pfk_high_a:true:true,pfk_high_b:true:true,pfk_low:true:true");
        assertThatThrownBy(() -> db.exec("INSERT INTO pfk VALUES (1500, 0, 999, 'x')")).hasMessageContaining("pfk_user");
    }

    @Test
    void downgradingAPartitionedForeignKeyWhoseContractNeverRanDropsItEverywhere() {
        db.exec("CREATE TABLE pfd_users (id bigint PRIMARY KEY); INSERT INTO pfd_users SELECT generate_series(1, 50)");
        partitionedTable("pfd");
        Migrator m = migrator("pfd", op -> op.addForeignKey("pfd_user", "pfd", "user_id", "pfd_users", "id"),
                op -> op.dropConstraint("pfd", "pfd_user"));
        m.up(null, Phase.EXPAND, false);

        m.down("base");

        assertThat(db.queryLong("SELECT count(*) FROM pg_constraint WHERE conname = 'pfd_user'")).isZero();
        db.exec("INSERT INTO pfd VALUES (8, 0, 999, 'no key any more')");
    }

    @Test
    void aPartitionAddedAfterAnInterruptedBuildKeepsTheIndexPostgresqlGaveItAndTheRetryCompletes() {
        partitionedTable("pia");
        db.exec("CREATE INDEX pia_note ON ONLY pia (note); CREATE TABLE pia_extra PARTITION OF pia FOR VALUES FROM (2000) TO (3000)");
        Migrator m = migrator("pia", op -> op.createIndex("pia_note", "pia", "note"), op -> op.dropIndex("pia_note"));

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'pia_note'::regclass")).isEqualTo("true");
        assertThat(db.queryLong("SELECT count(*) FROM pg_index WHERE indrelid = 'pia_extra'::regclass")).as("no second index on it").isOne();
    }

    @Test
    void undoingAnInterruptedPartitionedIndexBuildDropsWhatItLeftUnattached() {
        partitionedTable("piu");
        db.exec("CREATE INDEX piu_note ON ONLY piu (note); CREATE INDEX piu_low_piu_note ON piu_low (note)");
        Revision r = MigratorTest.java("1", op -> op.createIndex("piu_note", "piu", "note"), op -> op.dropIndex("piu_note"));
        Migrator m = new Migrator(db.dataSource(), RevisionGraph.of(List.of(r)), MigrateSettings.defaults().withScope("piu"), null, log::add);
        m.stamp("1", false);

        m.down("base");

        assertThat(db.queryLong("SELECT count(*) FROM pg_class WHERE relname LIKE '%piu_note'")).isZero();
    }

    @Test
    void aForeignKeyOnAPartitionedTableWithoutPartitionsYetGoesOnTheParentAtOnce() {
        db.exec("CREATE TABLE pfe_users (id bigint PRIMARY KEY); CREATE TABLE pfe (id bigint, user_id bigint) PARTITION BY RANGE (id)");
        Migrator m = migrator("pfe", op -> op.addForeignKey("pfe_user", "pfe", "user_id", "pfe_users", "id"), op -> op.dropConstraint("pfe", "pfe_user"));

        m.up(null, Phase.CONTRACT, false);
        db.exec("CREATE TABLE pfe_1 PARTITION OF pfe FOR VALUES FROM (0) TO (10)");

        assertThat(db.queryString("SELECT string_agg(conrelid::regclass || ':' || convalidated, ',' ORDER BY conrelid::regclass::text) FROM pg_constraint "
                + "WHERE conname = 'pfe_user'")).isEqualTo("pfe:true,pfe_1:true");
    }

    @Test
    void aPartitionCreatedBetweenExpandAndContractIsValidatedBeforeTheParentTakesTheKey() {
        db.exec("CREATE TABLE pfb_users (id bigint PRIMARY KEY); INSERT INTO pfb_users SELECT generate_series(1, 50)");
        partitionedTable("pfb");
        Migrator m = migrator("pfb", op -> op.addForeignKey("pfb_user", "pfb", "user_id", "pfb_users", "id"), op -> op.dropConstraint("pfb", "pfb_user"));
        m.up(null, Phase.EXPAND, false);
        db.exec("CREATE TABLE pfb_more PARTITION OF pfb FOR VALUES FROM (2000) TO (3000); INSERT INTO pfb VALUES (2500, 0, 7, 'late')");

        m.up(null, Phase.CONTRACT, false);

        assertThat(db.queryString("SELECT string_agg(conrelid::regclass || ':' || convalidated, ',' ORDER BY conrelid::regclass::text) FROM pg_constraint "
                + "WHERE conname = 'pfb_user' AND conrelid IN ('pfb'::regclass, 'pfb_more'::regclass)")).isEqualTo("pfb:true,pfb_more:true");
    }
}
