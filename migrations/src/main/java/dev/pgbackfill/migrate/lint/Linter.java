package dev.pgbackfill.migrate.lint;

import dev.pgbackfill.migrate.op.Names;
import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.migrate.revision.InvalidRevisionException;
import dev.pgbackfill.migrate.revision.Revision;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds dangerous DDL in revisions. Raw SQL (SQL files, {@code op.execute}) is read statement by statement;
 * DSL ops are judged on what they ask for, since their lowering is already safe. Tables created earlier in the
 * same revision are new and empty, so the rules about locks on big tables do not apply to them.
 */
public final class Linter {
    private static final String NAME = "((?:\"(?:[^\"]|\"\")+\"|[\\w$]+)(?:\\.(?:\"(?:[^\"]|\"\")+\"|[\\w$]+))?)";
    private static final Pattern CREATE_TABLE = Pattern.compile("^CREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_INDEX = Pattern.compile("^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?.*?\\bON\\s+(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ALTER_TABLE = Pattern.compile("^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + NAME + "\\s+(.*)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern FOREIGN_KEY = Pattern.compile("\\b(FOREIGN\\s+KEY|REFERENCES)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern NOT_VALID = Pattern.compile("\\bNOT\\s+VALID\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern SET_NOT_NULL = Pattern.compile("\\bALTER\\s+(?:COLUMN\\s+)?" + NAME + "\\s+SET\\s+NOT\\s+NULL\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHECK_NOT_NULL = Pattern.compile("\\bADD\\s+CONSTRAINT\\s+" + NAME + "\\s+CHECK\\s*\\(\\s*" + NAME + "\\s+IS\\s+NOT\\s+NULL\\s*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern VALIDATE = Pattern.compile("\\bVALIDATE\\s+CONSTRAINT\\s+" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME = Pattern.compile("\\bRENAME\\s+(?:COLUMN\\s+\\S+\\s+)?TO\\b|\\bRENAME\\s+(?!CONSTRAINT)\\S+\\s+TO\\b", Pattern.CASE_INSENSITIVE);
    /** Renaming a table to a backup name is the safe form of DROP TABLE, not a rename the application sees. */
    private static final Pattern BACKUP_RENAME = Pattern.compile("^RENAME\\s+TO\\s+\"?_\\w+_backup\"?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern TYPE_CHANGE = Pattern.compile("\\bALTER\\s+(?:COLUMN\\s+)?\\S+\\s+(?:SET\\s+DATA\\s+)?TYPE\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_COLUMN_VOLATILE = Pattern.compile(
            "\\bADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?\\S+\\s+(?:[^,]*?\\bDEFAULT\\b[^,]*?\\b(?:random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\\s*\\(|(?:big|small)?serial\\b)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern VOLATILE_SQL = Pattern.compile("\\b(?:random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\\s*\\(", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP = Pattern.compile("^DROP\\s+TABLE\\b|\\bDROP\\s+COLUMN\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LOCK_TIMEOUT_OFF = Pattern.compile(
            "^(?:SET\\s+(?:SESSION\\s+|LOCAL\\s+)?lock_timeout\\s*(?:=|TO)\\s*(?:'?0(?:s|ms)?'?|DEFAULT)\\s*$|RESET\\s+lock_timeout\\s*$)", Pattern.CASE_INSENSITIVE);

    private Linter() {
    }

    /** Lints every revision of the graph (upgrades and downgrades) and checks that each has a downgrade. */
    public static List<Finding> check(RevisionGraph graph) {
        List<Finding> findings = new ArrayList<>();
        for (Revision r : graph.ordered()) {
            for (String ack : r.acknowledged()) {
                if (!Rule.exists(ack)) {
                    throw new InvalidRevisionException(r.source() + ": lint-ack names unknown rule \"" + ack + "\"; known: "
                            + java.util.Arrays.stream(Rule.values()).map(Rule::id).collect(Collectors.joining(", ")));
                }
            }
            if (!r.hasDowngrade()) {
                findings.add(new Finding(Rule.MISSING_DOWNGRADE, r.id(), r.source(), "(no downgrade)", r.acknowledged().contains(Rule.MISSING_DOWNGRADE.id())));
            }
            findings.addAll(lint(r, r.upgrade(), false));
            findings.addAll(lint(r, r.downgrade(), true));
        }
        return findings;
    }

    public static List<Finding> lint(Revision r, List<Op> ops, boolean downgrade) {
        Scope scope = new Scope(r, downgrade);
        ops.forEach(scope::visit);
        return scope.findings;
    }

    private static final class Scope {
        private final Revision revision;
        private final boolean downgrade;
        private final Set<String> created = new HashSet<>();
        private final Map<String, String> notNullChecks = new HashMap<>(); // constraint → column
        private final Set<String> provenNotNull = new HashSet<>();
        private final List<Finding> findings = new ArrayList<>();

        Scope(Revision revision, boolean downgrade) {
            this.revision = revision;
            this.downgrade = downgrade;
        }

        void visit(Op op) {
            switch (op) {
                case Op.CreateTable t -> created.add(Names.key(t.table()));
                case Op.Execute e -> sql(e.sql(), e.describe());
                case Op.AlterColumn a when a.type() != null && !isNew(a.table()) -> add(Rule.TYPE_REWRITE, op.describe(),
                        "ALTER TABLE " + a.table() + " ALTER COLUMN " + a.column() + " TYPE " + a.type());
                case Op.AddColumn a when a.column().defaultExpression() != null && VOLATILE_SQL.matcher(a.column().defaultExpression()).find()
                        && !isNew(a.table()) -> add(Rule.VOLATILE_DEFAULT, op.describe(), "ALTER TABLE " + a.table() + " ADD COLUMN " + a.column().sql());
                case Op.DropColumn d when !downgrade -> add(Rule.DROP_WITHOUT_BACKUP, op.describe(), "ALTER TABLE " + d.table() + " DROP COLUMN " + d.column());
                default -> {
                }
            }
        }

        void sql(String statement, String origin) {
            String s = statement.replaceAll("--[^\n]*", " ").replaceAll("\\s+", " ").strip();
            Matcher m = CREATE_TABLE.matcher(s);
            if (m.find()) {
                created.add(key(m.group(1)));
                return;
            }
            if (LOCK_TIMEOUT_OFF.matcher(s).find()) {
                add(Rule.MISSING_LOCK_TIMEOUT, origin, statement);
            }
            m = CREATE_INDEX.matcher(s);
            if (m.find() && m.group(1) == null && !isNew(m.group(2))) {
                add(Rule.INDEX_NOT_CONCURRENT, origin, statement);
            }
            if (!downgrade && DROP.matcher(s).find()) {
                add(Rule.DROP_WITHOUT_BACKUP, origin, statement);
            }
            m = ALTER_TABLE.matcher(s);
            if (!m.find()) {
                return;
            }
            String table = m.group(1);
            String actions = m.group(2);
            Matcher check = CHECK_NOT_NULL.matcher(actions);
            while (check.find()) {
                notNullChecks.put(key(check.group(1)), key(table) + "." + key(check.group(2)));
            }
            Matcher validate = VALIDATE.matcher(actions);
            while (validate.find()) {
                String column = notNullChecks.get(key(validate.group(1)));
                if (column != null) {
                    provenNotNull.add(column);
                }
            }
            if (isNew(table)) {
                return;
            }
            if (FOREIGN_KEY.matcher(actions).find() && !NOT_VALID.matcher(actions).find()) {
                add(Rule.FK_NOT_VALID, origin, statement);
            }
            Matcher notNull = SET_NOT_NULL.matcher(actions);
            while (notNull.find()) {
                if (!provenNotNull.contains(key(table) + "." + key(notNull.group(1)))) {
                    add(Rule.SET_NOT_NULL, origin, statement);
                }
            }
            if (RENAME.matcher(actions).find() && !BACKUP_RENAME.matcher(actions).find()) {
                add(Rule.RENAME_IN_PLACE, origin, statement);
            }
            if (TYPE_CHANGE.matcher(actions).find()) {
                add(Rule.TYPE_REWRITE, origin, statement);
            }
            if (ADD_COLUMN_VOLATILE.matcher(actions).find()) {
                add(Rule.VOLATILE_DEFAULT, origin, statement);
            }
        }

        private boolean isNew(String table) {
            return created.contains(key(table));
        }

        private static String key(String name) {
            try {
                return Names.key(name);
            } catch (RuntimeException e) {
                return name.toLowerCase(Locale.ROOT);
            }
        }

        private void add(Rule rule, String origin, String statement) {
            findings.add(new Finding(rule, revision.id(), origin, statement, revision.acknowledged().contains(rule.id())));
        }
    }
}
