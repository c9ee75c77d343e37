package dev.pgbackfill.migrate.lint;

import dev.pgbackfill.error.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Which rules {@code migrate check} runs and at what level: each rule at its own severity, the style rules off, unless
 * a configuration says otherwise. A configuration file is a Java properties file of {@code rule-id = level} lines
 * ({@code error}, {@code warning}, {@code info} or {@code off}); {@code --rule id=level} sets one on the command line.
 * Setting a style rule to a level turns it on; {@code --style} turns all of them on at info. Properties rather than
 * YAML or TOML: a flat list of pairs needs no parser library, and the JDK reads it.
 *
 * @param levels a rule's level when set: empty means off
 */
public record LintConfig(boolean style, Map<Rule, Optional<Rule.Severity>> levels) {
    public static final String FILE_NAME = "pgbackfill-lint.properties";

    public static LintConfig defaults() {
        return new LintConfig(false, Map.of());
    }

    public LintConfig withStyle(boolean on) {
        return new LintConfig(on, levels);
    }

    /** {@code rule-id=level}, as on the command line or as a line of the file. */
    public LintConfig with(String ruleId, String level) {
        String id = ruleId.strip();
        Rule rule = Arrays.stream(Rule.values()).filter(r -> r.id().equals(id)).findFirst().orElseThrow(() -> new InvalidInputException("rule",
                "unknown lint rule \"" + id + "\"; known: " + Arrays.stream(Rule.values()).map(Rule::id).collect(Collectors.joining(", "))));
        Optional<Rule.Severity> severity = switch (level.strip().toLowerCase(Locale.ROOT)) {
            case "off" -> Optional.empty();
            case "error" -> Optional.of(Rule.Severity.ERROR);
            case "warning" -> Optional.of(Rule.Severity.WARNING);
            case "info" -> Optional.of(Rule.Severity.INFO);
            default -> throw new InvalidInputException("rule", "lint rule " + id + ": level \"" + level.strip()
                    + "\" is not one of error, warning, info, off");
        };
        Map<Rule, Optional<Rule.Severity>> next = new EnumMap<>(Rule.class);
        next.putAll(levels);
        next.put(rule, severity);
        return new LintConfig(style, Map.copyOf(next));
    }

    /** {@code id=level} from the command line. */
    public LintConfig with(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new InvalidInputException("rule", "--rule \"" + assignment + "\": write it as rule-id=level, e.g. --rule prefer-jsonb=error");
        }
        return with(assignment.substring(0, eq), assignment.substring(eq + 1));
    }

    /** The file's settings on top of these; a missing file is an error (it was named on purpose). */
    public LintConfig withFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new InvalidInputException("lint-config", "cannot read lint configuration " + file + ": " + e.getMessage());
        }
        LintConfig out = this;
        for (String id : p.stringPropertyNames().stream().sorted().toList()) {
            try {
                out = out.with(id, p.getProperty(id));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("lint-config", file + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** The level a rule reports at, or empty when it is off. */
    public Optional<Rule.Severity> levelOf(Rule rule) {
        Optional<Rule.Severity> set = levels.get(rule);
        if (set != null) {
            return set;
        }
        return rule.style() && !style ? Optional.empty() : Optional.of(rule.severity());
    }
}
