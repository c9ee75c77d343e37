package dev.pgbackfill.migrate.lint;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rules of one ALTER TABLE action (actions are separated by top-level commas), read from its masked text. */
final class AlterTableRules {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final String NAME = LintText.NAME;
    private static final Pattern FOREIGN_KEY = Pattern.compile("\\b(FOREIGN\\s+KEY|REFERENCES)\\b", FLAGS);
    private static final Pattern ADD_EXCLUDE = Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+" + NAME + "\\s+)?EXCLUDE\\b", FLAGS);
    private static final Pattern NOT_VALID = Pattern.compile("\\bNOT\\s+VALID\\b", FLAGS);
    private static final Pattern ADD_CHECK = Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+" + NAME + "\\s+)?CHECK\\b", FLAGS);
    private static final Pattern ADD_UNIQUE = Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+" + NAME + "\\s+)?(UNIQUE|PRIMARY\\s+KEY)\\b(?!.*\\bUSING\\s+INDEX\\b)", FLAGS);
    // (?![\\w$]) rather than \\b after a name: a quoted name ends in a quote, after which \\b never matches
    private static final Pattern ADD_NOT_VALID = Pattern.compile("^ADD\\s+CONSTRAINT\\s+" + NAME + "(?![\\w$]).*\\bNOT\\s+VALID\\b", FLAGS);
    private static final Pattern SET_NOT_NULL = Pattern.compile("^ALTER\\s+(?:COLUMN\\s+)?" + NAME + "\\s+SET\\s+NOT\\s+NULL\\b", FLAGS);
    private static final Pattern CHECK_NOT_NULL = Pattern.compile("^ADD\\s+CONSTRAINT\\s+" + NAME + "\\s+CHECK\\s*\\(\\s*" + NAME + "\\s+IS\\s+NOT\\s+NULL\\s*\\)", FLAGS);
    private static final Pattern VALIDATE = Pattern.compile("^VALIDATE\\s+CONSTRAINT\\s+" + NAME, FLAGS);
    private static final Pattern RENAME_COLUMN = Pattern.compile("^RENAME\\s+(?:COLUMN\\s+)?(?!CONSTRAINT\\b|TO\\b)" + NAME + "\\s+TO\\b", FLAGS);
    private static final Pattern RENAME_TABLE = Pattern.compile("^RENAME\\s+TO\\b", FLAGS);
    /** Renaming a table to a backup name is the safe form of DROP TABLE, not a rename the application sees. */
    private static final Pattern BACKUP_RENAME = Pattern.compile("^RENAME\\s+TO\\s+\"?_\\w+_backup\"?\\s*$", FLAGS);
    private static final Pattern TYPE_CHANGE = Pattern.compile("^ALTER\\s+(?:COLUMN\\s+)?" + NAME + "\\s+(?:SET\\s+DATA\\s+)?TYPE\\s+(.+?)"
            + "(\\s+COLLATE\\s+\\S+)?(\\s+USING\\b.*)?$", FLAGS);
    private static final Pattern ADD_COLUMN = Pattern.compile("^ADD\\s+(?!CONSTRAINT\\b|CHECK\\b|UNIQUE\\b|PRIMARY\\b|FOREIGN\\b|EXCLUDE\\b)(?:COLUMN\\s+)?"
            + "(?:IF\\s+NOT\\s+EXISTS\\s+)?", FLAGS);
    private static final Pattern SERIAL = Pattern.compile("\\b(?:big|small)?serial[248]?\\b", FLAGS);
    private static final Pattern GENERATED_STORED = Pattern.compile("\\bGENERATED\\s+ALWAYS\\s+AS\\s*\\(", FLAGS);
    private static final Pattern IDENTITY = Pattern.compile("\\bGENERATED\\s+(?:ALWAYS|BY\\s+DEFAULT)\\s+AS\\s+IDENTITY\\b", FLAGS);
    private static final Pattern INLINE_INDEX = Pattern.compile("\\b(?:UNIQUE|PRIMARY\\s+KEY)\\b", FLAGS);
    private static final Pattern NOT_NULL = Pattern.compile("\\bNOT\\s+NULL\\b", FLAGS);
    private static final Pattern HAS_DEFAULT = Pattern.compile("\\b(?:DEFAULT|GENERATED)\\b", FLAGS);
    private static final Pattern DROP_COLUMN = Pattern.compile("^DROP\\s+(?!CONSTRAINT\\b)(?:COLUMN\\s+)?", FLAGS);

    static final String DROP_COLUMN_SAFE = "stop reading and writing the column in the application first, then drop it in a later (contract) "
            + "revision acknowledged with \"-- lint-ack: drop-without-backup\"; keep a copy first (CREATE TABLE t_col_backup AS SELECT id, col "
            + "FROM t) if a downgrade must bring it back";
    static final String SERIAL_WHY = "a serial column fills every existing row from its sequence: the ALTER rewrites the table under an ACCESS "
            + "EXCLUSIVE lock (and a key on it builds its index there too)";
    static final String SERIAL_SAFE = "ADD COLUMN n bigint (no default); CREATE SEQUENCE s OWNED BY t.n; ALTER COLUMN n SET DEFAULT nextval('s') "
            + "for new rows; backfill the existing rows in batches (a backfill phase); then CREATE UNIQUE INDEX CONCURRENTLY if it is a key";
    static final String GENERATED_WHY = "a generated column (stored, or an identity) computes every existing row: the ALTER rewrites the table "
            + "under an ACCESS EXCLUSIVE lock";
    static final String GENERATED_SAFE = "a plain column that a BEFORE INSERT OR UPDATE trigger keeps computed, its existing rows backfilled in "
            + "batches; or compute the value in a view or the query";
    static final String PARTITIONED_FK_SAFE = "on a partitioned table (PostgreSQL 14-17): per partition ADD CONSTRAINT c FOREIGN KEY ... NOT VALID "
            + "and VALIDATE CONSTRAINT c, then ADD CONSTRAINT c FOREIGN KEY ... on the parent, which attaches them without a scan (op.addForeignKey)";
    static final String COLUMN_RENAME_SAFE = "ADD COLUMN new; a BEFORE INSERT OR UPDATE trigger that copies writes between both; backfill new from "
            + "old; switch the application; DROP the old column in a later revision (op.renameColumn writes all of it)";
    static final String TABLE_RENAME_SAFE = "ALTER TABLE old RENAME TO new; CREATE VIEW old AS SELECT * FROM new in the same revision (a simple "
            + "view is updatable, so the running version keeps working); DROP VIEW old in a later revision (op.renameTable)";

    private final Schema schema;
    private final boolean transactional;
    private final boolean downgrade;
    private final Report report;

    AlterTableRules(Schema schema, boolean transactional, boolean downgrade, Report report) {
        this.schema = schema;
        this.transactional = transactional;
        this.downgrade = downgrade;
        this.report = report;
    }

    void action(String table, String action, String statement) {
        trackConstraints(table, action, statement);
        boolean addsColumn = ADD_COLUMN.matcher(action).find();
        if (!downgrade && DROP_COLUMN.matcher(action).find()) {
            report.add(Rule.DROP_WITHOUT_BACKUP, statement, null, null, DROP_COLUMN_SAFE);
        }
        Matcher type = TYPE_CHANGE.matcher(action);
        boolean changesType = type.find();
        if ((addsColumn || changesType) && LintText.JSON_TYPE.matcher(LintText.withoutQuotedNames(action)).find()) {
            report.add(Rule.PREFER_JSONB, statement);
        }
        foreignKey(table, action, statement);
        if (!schema.isNew(table)) {
            onExistingTable(table, action, statement, addsColumn);
            if (changesType) {
                // a new collation rebuilds the column's indexes even where the heap is kept; USING rewrites
                typeChange(schema, table, type.group(1), type.group(2), type.group(3) != null || type.group(4) != null, statement, report);
            }
        }
        if (changesType) {
            schema.columnType(table, type.group(1), type.group(2));
        } else if (addsColumn) {
            LintText.column(ADD_COLUMN.matcher(action).replaceFirst("")).ifPresent(d -> schema.columnType(table, d[0], d[1]));
        }
    }

    /** NOT VALID constraints and CHECKs that prove NOT NULL, as later actions and revisions validate them. */
    private void trackConstraints(String table, String action, String statement) {
        Matcher check = CHECK_NOT_NULL.matcher(action);
        if (check.find()) {
            schema.notNullCheck(check.group(1), table, check.group(2));
        }
        Matcher notValid = ADD_NOT_VALID.matcher(action);
        if (notValid.find()) {
            schema.addedNotValid(notValid.group(1));
        }
        Matcher validate = VALIDATE.matcher(action);
        if (validate.find() && schema.validated(validate.group(1)) && transactional) {
            report.add(Rule.VALIDATE_IN_SAME_TRANSACTION, statement, table);
        }
    }

    /** The rules that matter only on a table that holds rows (not one created earlier in the revision). */
    private void onExistingTable(String table, String action, String statement, boolean addsColumn) {
        if (!addsColumn && !FOREIGN_KEY.matcher(action).find() && ADD_CHECK.matcher(action).find() && !NOT_VALID.matcher(action).find()) {
            report.add(Rule.CONSTRAINT_NOT_VALID, statement, table);
        }
        if (ADD_EXCLUDE.matcher(action).find()) {
            report.add(Rule.ADD_EXCLUSION_CONSTRAINT, statement, table);
        }
        if (!addsColumn && ADD_UNIQUE.matcher(action).find()) {
            report.add(Rule.UNIQUE_WITHOUT_INDEX, statement, table);
        }
        Matcher notNull = SET_NOT_NULL.matcher(action);
        if (notNull.find() && !schema.provenNotNull(table, notNull.group(1))) {
            report.add(Rule.SET_NOT_NULL, statement, table);
        }
        if (RENAME_COLUMN.matcher(action).find()) {
            report.add(Rule.RENAME_IN_PLACE, statement, null, null, COLUMN_RENAME_SAFE);
        } else if (RENAME_TABLE.matcher(action).find() && !BACKUP_RENAME.matcher(action).find()) {
            report.add(Rule.RENAME_IN_PLACE, statement, null, null, TABLE_RENAME_SAFE);
        }
        if (addsColumn) {
            newColumn(table, LintText.withoutQuotedNames(action), statement);
        }
    }

    /**
     * A FOREIGN KEY without NOT VALID on an existing table; with NOT VALID on a partitioned table, new or not,
     * PostgreSQL before 18 refuses the statement.
     */
    private void foreignKey(String table, String action, String statement) {
        if (!FOREIGN_KEY.matcher(action).find()) {
            return;
        }
        boolean partitioned = schema.partitioned(table).orElse(false) && !schema.catalogAcceptsNotValidForeignKeyOnPartitioned();
        if (!NOT_VALID.matcher(action).find()) {
            if (schema.isNew(table)) {
                return;
            }
            report.add(Rule.FK_NOT_VALID, statement, table, null, partitioned ? PARTITIONED_FK_SAFE : null);
        } else if (partitioned) {
            report.add(Rule.NOT_VALID_ON_PARTITIONED, statement, table);
        }
    }

    private void newColumn(String table, String unquoted, String statement) {
        if (SERIAL.matcher(unquoted).find()) {
            report.add(Rule.VOLATILE_DEFAULT, statement, table, SERIAL_WHY, SERIAL_SAFE);
        } else if (GENERATED_STORED.matcher(unquoted).find() || IDENTITY.matcher(unquoted).find()) {
            report.add(Rule.VOLATILE_DEFAULT, statement, table, GENERATED_WHY, GENERATED_SAFE);
        } else {
            volatileDefault(schema, table, unquoted, statement, report);
        }
        if (INLINE_INDEX.matcher(unquoted).find()) {
            report.add(Rule.ADD_COLUMN_INLINE_INDEX, statement, table);
        }
        if (NOT_NULL.matcher(unquoted).find() && !HAS_DEFAULT.matcher(unquoted).find()) {
            report.add(Rule.ADD_COLUMN_NOT_NULL, statement, table);
        }
    }

    /** A DEFAULT whose function is volatile by the catalog, or, without one, not on the allow-list. */
    static void volatileDefault(Schema schema, String table, String maskedDefinition, String statement, Report report) {
        Optional<String> call = Defaults.volatileCall(maskedDefinition, schema::volatility);
        call.ifPresent(f -> report.add(Rule.VOLATILE_DEFAULT, statement, table, "ADD COLUMN with a volatile DEFAULT (" + f + "() is evaluated per "
                + "row) rewrites the table under an ACCESS EXCLUSIVE lock", null));
    }

    /** A type change, unless the old type is known and converts without a rewrite (varchar(n) → text, wider varchar). */
    static void typeChange(Schema schema, String table, String column, String newType, boolean using, String statement, Report report) {
        String oldType = schema.columnType(table, column);
        if (!TypeChanges.rewrites(oldType, newType, using)) {
            if (schema.facts(table).map(t -> t.checked().contains(Schema.key(column))).orElse(false)) {
                report.add(Rule.TYPE_REWRITE, statement, table, "changing " + column + " from " + oldType + " to " + newType.strip() + " keeps the "
                        + "table, but PostgreSQL re-checks the column's CHECK constraints with a full scan under an ACCESS EXCLUSIVE lock", null);
            }
            return;
        }
        String why = oldType == null
                ? "changing a column's type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, unless the old type converts "
                        + "without one (varchar(n) → text, a wider varchar or numeric): its old type is not known here (create it in a revision of "
                        + "this set, or check with --db)"
                : "changing " + column + " from " + oldType + " to " + newType.strip() + " rewrites the table and its indexes under an ACCESS EXCLUSIVE lock";
        report.add(Rule.TYPE_REWRITE, statement, table, why, null);
    }
}
