package dev.pgbackfill.migrate.revision;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The files {@code migrate revision} and {@code migrate merge} write: a fresh id (12 hex digits, as Alembic makes them),
 * the headers, and an upgrade and downgrade to fill in, with a reminder of the phases.
 */
public record RevisionTemplate(String id, List<String> downRevisions, String message, Set<String> branchLabels, List<String> dependsOn) {

    public static String freshId() {
        return UUID.randomUUID().toString().replace("-", "").substring(20);
    }

    /** {@code <id>_<words of the message>}, e.g. {@code 3f2a9c1b7d4e_add_email_new}. */
    public String baseName() {
        String slug = message.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
        return id + (slug.isEmpty() ? "" : "_" + (slug.length() > 40 ? slug.substring(0, 40).replaceAll("_$", "") : slug));
    }

    public String sql() {
        return "-- revision: " + id + "\n"
                + "-- down_revision: " + (downRevisions.isEmpty() ? "none" : String.join(", ", downRevisions)) + "\n"
                + (dependsOn.isEmpty() ? "" : "-- depends_on: " + String.join(", ", dependsOn) + "\n")
                + (branchLabels.isEmpty() ? "" : "-- branch_labels: " + String.join(", ", branchLabels) + "\n")
                + "-- message: " + message + "\n"
                + "-- expand runs before the application deploy; put contract steps (constraints, drops) in a revision of their own\n"
                + "-- migrate:up\n\n"
                + "-- migrate:down\n\n";
    }

    public String java(String className) {
        return "import dev.pgbackfill.migrate.Migration;\nimport dev.pgbackfill.migrate.Ops;\nimport java.util.List;\nimport java.util.Set;\n\n"
                + "/** " + message + " */\npublic final class " + className + " implements Migration {\n"
                + "    public String revision() { return \"" + id + "\"; }\n"
                + "    public List<String> downRevisions() { return List.of(" + quoted(downRevisions) + "); }\n"
                + (dependsOn.isEmpty() ? "" : "    public List<String> dependsOn() { return List.of(" + quoted(dependsOn) + "); }\n")
                + (branchLabels.isEmpty() ? "" : "    public Set<String> branchLabels() { return Set.of(" + quoted(List.copyOf(branchLabels)) + "); }\n")
                + "    public String message() { return \"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"; }\n\n"
                + "    public void upgrade(Ops op) {\n        // expand: op.addColumn(…); backfill: op.backfill(…); contract: op.setNotNull(…)\n    }\n\n"
                + "    public void downgrade(Ops op) {\n    }\n}\n";
    }

    private static String quoted(List<String> ids) {
        return String.join(", ", ids.stream().map(i -> "\"" + i + "\"").toList());
    }
}
