package dev.pgbackfill.migrate.revision;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.op.Lowering;
import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.migrate.step.SqlStep;
import dev.pgbackfill.migrate.step.BackfillStep;
import dev.pgbackfill.migrate.step.Step;
import dev.pgbackfill.migrate.step.Tx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * One node of the revision graph, from a SQL file or a Java class.
 *
 * @param source        where it was defined, for messages ({@code migrations/005_users.sql} or a class name)
 * @param transactional false runs every statement on its own, outside a transaction block
 * @param acknowledged  lint rules this revision accepts knowingly
 * @param hasDowngrade  false when no downgrade was written (a SQL file's down section is empty, or a Java
 *                      revision records nothing there while its upgrade does)
 * @param headerLines   for SQL files, the line of each header ({@code revision}, {@code down_revision}, …)
 * @param dependsOn     revisions that must be applied first without making this revision a merge of their branches
 *                      (Alembic's {@code depends_on}); downgrading one of them below itself reverts this one too
 * @param branchLabels  names for the branch this revision starts or belongs to (Alembic's {@code branch_labels}),
 *                      usable in targets: {@code label}, {@code label@head}, {@code label@-1}
 */
public record Revision(String id, List<String> downRevisions, String message, String source, boolean transactional,
                       Set<String> acknowledged, List<Op> upgrade, List<Op> downgrade, boolean hasDowngrade,
                       java.util.Map<String, Integer> headerLines, List<String> dependsOn, Set<String> branchLabels) {

    public Revision {
        downRevisions = List.copyOf(downRevisions);
        dependsOn = List.copyOf(dependsOn);
        branchLabels = Set.copyOf(branchLabels);
        acknowledged = Set.copyOf(acknowledged);
        upgrade = List.copyOf(upgrade);
        downgrade = List.copyOf(downgrade);
        headerLines = java.util.Map.copyOf(headerLines);
    }

    /** A revision without header lines, dependencies or labels. */
    public Revision(String id, List<String> downRevisions, String message, String source, boolean transactional,
                    Set<String> acknowledged, List<Op> upgrade, List<Op> downgrade, boolean hasDowngrade) {
        this(id, downRevisions, message, source, transactional, acknowledged, upgrade, downgrade, hasDowngrade, java.util.Map.of(), List.of(),
                Set.of());
    }

    /** Everything that must be applied before this revision: its down revisions and its {@code depends_on}. */
    public List<String> dependencies() {
        List<String> all = new ArrayList<>(downRevisions);
        dependsOn.stream().filter(d -> !all.contains(d)).forEach(all::add);
        return all;
    }

    /** Where a header is defined, for messages: {@code migrations/005.sql:2}, or the source alone. */
    public String where(String header) {
        Integer line = headerLines.get(header);
        return line == null ? source : source + ":" + line;
    }

    /** The upgrade's steps, ordered by phase (expand, backfill, contract), in op order within a phase. */
    public List<Step> upgradeSteps(boolean allowDestructive) {
        Lowering lowering = new Lowering(false, allowDestructive);
        List<Step> steps = new ArrayList<>();
        upgrade.forEach(op -> steps.addAll(lowering.lower(op)));
        steps.sort(Comparator.comparing(Step::phase)); // stable: op order is kept within a phase
        return transactional(steps);
    }

    public List<Step> upgradeSteps(boolean allowDestructive, Phase phase) {
        return upgradeSteps(allowDestructive).stream().filter(s -> s.phase() == phase).toList();
    }

    /** The backfill phase's steps: every step of that phase is a backfill job (SQL there is refused when parsed). */
    public List<BackfillStep> backfillSteps(boolean allowDestructive) {
        return upgradeSteps(allowDestructive, Phase.BACKFILL).stream().<BackfillStep>mapMulti((st, out) -> {
            if (st instanceof BackfillStep b) {
                out.accept(b);
            }
        }).toList();
    }

    /** The downgrade's steps in the order written: a downgrade undoes the whole revision in one go. */
    public List<Step> downgradeSteps() {
        Lowering lowering = new Lowering(true, true);
        List<Step> steps = new ArrayList<>();
        downgrade.forEach(op -> steps.addAll(lowering.lower(op)));
        return transactional(steps);
    }

    private List<Step> transactional(List<Step> steps) {
        if (transactional) {
            return steps;
        }
        return steps.stream().map(s -> s instanceof SqlStep q ? q.withTx(Tx.NONE) : s).toList();
    }

    @Override
    public String toString() {
        return id + " (" + source + ")";
    }
}
