package dev.pgbackfill.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.migrate.op.Lowering;
import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each op lowers to the exact statements of design.md section 5, in the right phase and transaction form. */
class LoweringTest {

    static List<Step> lower(Op... ops) {
        Lowering lowering = new Lowering(false, false);
        return java.util.Arrays.stream(ops).flatMap(op -> lowering.lower(op).stream()).toList();
    }

    static List<String> sql(List<Step> steps) {
        return steps.stream().map(s -> s instanceof SqlStep q ? q.phase() + " " + q.tx() + " " + q.sql() : "BACKFILL " + ((BackfillStep) s).commandLine()).toList();
    }

    @Test
    void createIndexOnAnExistingTableIsBuiltConcurrentlyAfterDroppingAnInvalidLeftover() {
        List<Step> steps = lower(new Op.CreateIndex("users_status_idx", "app.users", List.of("status", "lower(email)"), false, "status <> 'gone'"));

        assertThat(sql(steps)).containsExactly(
                "expand NONE CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_status_idx\" ON \"app\".\"users\" (\"status\", (lower(email))) WHERE status <> 'gone'");
        assertThat(((SqlStep) steps.get(0)).repair()).isEqualTo(new SqlStep.Repair(
                "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('\"app\".\"users_status_idx\"') AND NOT indisvalid)",
                "DROP INDEX CONCURRENTLY IF EXISTS \"app\".\"users_status_idx\""));
        // what runs instead when the executor finds the table partitioned (PartitionedTablesTest runs it)
        assertThat(((SqlStep) steps.get(0)).partitioned()).isEqualTo(new dev.pgbackfill.migrate.step.PartitionedForm.Index(
                "\"app\".\"users\"", "users_status_idx", false, "(\"status\", (lower(email))) WHERE status <> 'gone'"));
    }

    @Test
    void createIndexOnATableCreatedInTheSameRevisionIsPlain() {
        List<Step> steps = lower(new Op.CreateTable("t", List.of(Column.of("id", "int").primaryKey())),
                new Op.CreateIndex("t_id", "t", List.of("id"), true, null));

        assertThat(sql(steps)).containsExactly(
                "expand GROUP CREATE TABLE \"t\" (\"id\" int PRIMARY KEY)",
                "expand GROUP CREATE UNIQUE INDEX \"t_id\" ON \"t\" (\"id\")");
    }

    @Test
    void addForeignKeyIsNotValidInExpandThenValidatedInItsOwnTransactionInContract() {
        List<Step> steps = lower(new Op.AddForeignKey("orders_user_fk", "orders", List.of("user_id"), "users", List.of("id"), "CASCADE"));

        assertThat(sql(steps)).containsExactly(
                "expand OWN ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_user_fk\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE NOT VALID",
                "contract OWN ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"orders_user_fk\"");
    }

    @Test
    void setNotNullGoesThroughAValidatedCheckEachStepCommittingAlone() {
        assertThat(sql(lower(new Op.SetNotNull("users", "email_new")))).containsExactly(
                "contract OWN ALTER TABLE \"users\" ADD CONSTRAINT \"users_email_new_not_null\" CHECK (\"email_new\" IS NOT NULL) NOT VALID",
                "contract OWN ALTER TABLE \"users\" VALIDATE CONSTRAINT \"users_email_new_not_null\"",
                "contract OWN ALTER TABLE \"users\" ALTER COLUMN \"email_new\" SET NOT NULL",
                "contract OWN ALTER TABLE \"users\" DROP CONSTRAINT \"users_email_new_not_null\"");
    }

    @Test
    void renameColumnAddsASyncedColumnBackfillsItAndDropsTheOldShapeInContract() {
        List<Step> steps = lower(new Op.RenameColumn("users", "username", "login", "text"));

        assertThat(steps).extracting(Step::phase).containsExactly(Phase.EXPAND, Phase.EXPAND, Phase.EXPAND, Phase.EXPAND,
                Phase.BACKFILL, Phase.CONTRACT, Phase.CONTRACT, Phase.CONTRACT);
        List<String> sql = sql(steps);
        assertThat(sql.get(0)).isEqualTo("expand GROUP ALTER TABLE \"users\" ADD COLUMN IF NOT EXISTS \"login\" text");
        assertThat(sql.get(1)).startsWith("expand GROUP CREATE OR REPLACE FUNCTION \"users_sync_username_login\"() RETURNS trigger");
        assertThat(sql.get(3)).isEqualTo("expand GROUP CREATE TRIGGER \"users_sync_username_login\" BEFORE INSERT OR UPDATE ON \"users\" "
                + "FOR EACH ROW EXECUTE FUNCTION \"users_sync_username_login\"()");
        assertThat(sql.get(4)).isEqualTo("BACKFILL pgbackfill run --table 'users' --set '\"login\" = \"username\"'");
        assertThat(sql.subList(5, 8)).containsExactly(
                "contract GROUP DROP TRIGGER IF EXISTS \"users_sync_username_login\" ON \"users\"",
                "contract GROUP DROP FUNCTION IF EXISTS \"users_sync_username_login\"()",
                "contract GROUP ALTER TABLE \"users\" DROP COLUMN IF EXISTS \"username\"");
    }

    @Test
    void dropTableRenamesToABackupUnlessDestructiveChangesAreAllowed() {
        assertThat(sql(lower(new Op.DropTable("legacy")))).containsExactly("contract GROUP ALTER TABLE \"legacy\" RENAME TO \"_legacy_backup\"");
        assertThat(sql(new Lowering(false, true).lower(new Op.DropTable("legacy")))).containsExactly("contract GROUP DROP TABLE IF EXISTS \"legacy\"");
        assertThat(sql(new Lowering(true, false).lower(new Op.DropTable("legacy")))).containsExactly("contract GROUP DROP TABLE IF EXISTS \"legacy\"");
    }

    @Test
    void renameTableKeepsTheOldNameAsAViewUntilContract() {
        assertThat(sql(lower(new Op.RenameTable("accounts", "customers")))).containsExactly(
                "expand GROUP ALTER TABLE \"accounts\" RENAME TO \"customers\"",
                "expand GROUP CREATE VIEW \"accounts\" AS SELECT * FROM \"customers\"",
                "contract GROUP DROP VIEW IF EXISTS \"accounts\"");
    }

    @Test
    void identifiersAreQuotedSoMixedCaseAndReservedNamesWork() {
        assertThat(sql(lower(new Op.AddColumn("sales.\"Order Items\"", Column.of("\"Select\"", "int"))))).containsExactly(
                "expand GROUP ALTER TABLE \"sales\".\"Order Items\" ADD COLUMN IF NOT EXISTS \"Select\" int");
        // unquoted names fold to lower case, in a column definition as everywhere else
        assertThat(sql(lower(new Op.AddColumn("t", Column.of("verifiedAt", "int")), new Op.SetNotNull("t", "verifiedAt"))).get(1))
                .isEqualTo("contract OWN ALTER TABLE \"t\" ADD CONSTRAINT \"t_verifiedat_not_null\" CHECK (\"verifiedat\" IS NOT NULL) NOT VALID");
        assertThat(sql(lower(new Op.AddColumn("t", Column.of("verifiedAt", "int")))).get(0)).endsWith("\"verifiedat\" int");
    }

    @Test
    void indexColumnsKeepTheirOrderingAndOperatorClassWords() {
        assertThat(sql(lower(new Op.CreateIndex("i", "t", List.of("email DESC NULLS LAST", "name text_pattern_ops"), false, null))).get(0))
                .isEqualTo("expand NONE CREATE INDEX CONCURRENTLY IF NOT EXISTS \"i\" ON \"t\" (\"email\" DESC NULLS LAST, \"name\" text_pattern_ops)");
    }

    @Test
    void renameTableInASchemaKeepsTheViewPointingIntoThatSchema() {
        assertThat(sql(lower(new Op.RenameTable("app.accounts", "customers"))).subList(0, 2)).containsExactly(
                "expand GROUP ALTER TABLE \"app\".\"accounts\" RENAME TO \"customers\"",
                "expand GROUP CREATE VIEW \"app\".\"accounts\" AS SELECT * FROM \"app\".\"customers\"");
    }

    @Test
    void rawConcurrentIndexSqlGetsTheInvalidIndexRepair() {
        SqlStep step = (SqlStep) lower(new Op.Execute(Phase.EXPAND, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Email_Key\" ON app.users (email)", "f.sql:3")).get(0);

        assertThat(step.repair()).isEqualTo(new SqlStep.Repair(
                "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('\"app\".\"Email_Key\"') AND NOT indisvalid)",
                "DROP INDEX CONCURRENTLY IF EXISTS \"app\".\"Email_Key\""));
    }

    @Test
    void executeRefusesTheBackfillPhase() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Ops().execute(Phase.BACKFILL, "UPDATE t SET a = 1"))
                .hasMessageContaining("write a backfill as op.backfill(...)");
    }

    @Test
    void aNonTransactionalRevisionRunsEveryStatementAlone() {
        var r = new dev.pgbackfill.migrate.revision.Revision("1", List.of(), "", "x", false, java.util.Set.of(),
                List.of(new Op.Execute(Phase.EXPAND, "SELECT 1", null), new Op.Execute(Phase.EXPAND, "SELECT 2", null)), List.of(), true);

        assertThat(r.upgradeSteps(false)).extracting(s -> ((SqlStep) s).tx()).containsExactly(Tx.NONE, Tx.NONE);
    }
}
