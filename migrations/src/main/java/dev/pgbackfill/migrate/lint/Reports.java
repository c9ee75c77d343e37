package dev.pgbackfill.migrate.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lint findings in the formats CI systems read: SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps), plain JSON,
 * and GitHub Actions workflow commands ({@code ::error file=…,line=…::…}, shown on the pull request's diff). Built as
 * maps for the one JSON mapper, so no SARIF library is needed for a document this small.
 */
public final class Reports {
    static final String SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private Reports() {
    }

    /** A SARIF log with one run: every rule of pgbackfill as the tool's rules, each finding as a result. */
    public static Map<String, Object> sarif(List<Finding> findings, String version) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Rule r : Rule.values()) {
            rules.add(Map.of("id", r.id(), "shortDescription", Map.of("text", r.why()), "help", Map.of("text", "safe form: " + r.safeForm()),
                    "defaultConfiguration", Map.of("level", level(r.severity(), false))));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> physical = new LinkedHashMap<>();
            physical.put("artifactLocation", Map.of("uri", f.source()));
            f.line().ifPresent(line -> physical.put("region", Map.of("startLine", line)));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ruleId", f.rule().id());
            result.put("level", level(f.severity(), f.acknowledged()));
            result.put("message", Map.of("text", "revision " + f.revision() + ": " + f.statement().replaceAll("\\s+", " ").strip()
                    + " — " + f.why() + "; safe form: " + f.safeForm() + (f.database() == null ? "" : "; database: " + f.database())));
            result.put("locations", List.of(Map.of("physicalLocation", physical)));
            if (f.acknowledged()) {
                result.put("suppressions", List.of(Map.of("kind", "inSource", "justification", "-- lint-ack: " + f.rule().id())));
            }
            results.add(result);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "pgbackfill migrate check");
        driver.put("version", version);
        driver.put("rules", rules);
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("$schema", SARIF_SCHEMA);
        log.put("version", "2.1.0");
        log.put("runs", List.of(Map.of("tool", Map.of("driver", driver), "results", results)));
        return log;
    }

    /** Every finding as a flat object: rule, severity, revision, file, line, statement, why, safe form, acknowledged. */
    public static List<Map<String, Object>> json(List<Finding> findings) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", f.rule().id());
            m.put("severity", f.severity().label());
            m.put("revision", f.revision());
            m.put("file", f.source());
            m.put("line", f.line().isPresent() ? f.line().getAsInt() : null);
            m.put("statement", f.statement());
            m.put("why", f.why());
            m.put("safeForm", f.safeForm());
            m.put("acknowledged", f.acknowledged());
            m.put("database", f.database());
            out.add(m);
        }
        return out;
    }

    /** GitHub Actions workflow commands, one line per finding (acknowledged ones as notices). */
    public static List<String> github(List<Finding> findings) {
        List<String> out = new ArrayList<>();
        for (Finding f : findings) {
            String kind = f.acknowledged() || f.severity() == Rule.Severity.INFO ? "notice"
                    : f.severity() == Rule.Severity.ERROR ? "error" : "warning";
            String where = "file=" + escapeProperty(f.source()) + (f.line().isPresent() ? ",line=" + f.line().getAsInt() : "");
            out.add("::" + kind + " " + where + ",title=" + escapeProperty(f.rule().id()) + "::" + escapeData(
                    "revision " + f.revision() + ": " + f.why() + ". Safe form: " + f.safeForm()));
        }
        return out;
    }

    private static String level(Rule.Severity severity, boolean acknowledged) {
        return acknowledged || severity == Rule.Severity.INFO ? "note" : severity == Rule.Severity.ERROR ? "error" : "warning";
    }

    /** Workflow-command escaping (as @actions/core does it). */
    private static String escapeData(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String escapeProperty(String s) {
        return escapeData(s).replace(":", "%3A").replace(",", "%2C");
    }
}
