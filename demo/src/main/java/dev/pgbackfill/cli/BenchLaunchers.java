package dev.pgbackfill.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command lines the operator-path sections time, each as an operator would type it: this checkout's launcher
 * (found through {@code PGBACKFILL_HOME}, which the launcher sets), the production jar with a bare {@code java -jar},
 * and the launcher of a baseline checkout ({@code bench --baseline}), so that old and new are measured in one run.
 */
final class BenchLaunchers {
    static final String THIS = "this checkout: ./pgbackfill";
    static final String JAR = "production jar: java -jar pgbackfill.jar";
    static final String BASELINE = "baseline: ";

    private BenchLaunchers() {
    }

    static Map<String, List<String>> commandLines(String baseline) {
        Map<String, List<String>> lines = new LinkedHashMap<>();
        String home = System.getenv("PGBACKFILL_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "pgbackfill"))) {
            lines.put(THIS, List.of(Path.of(home, "pgbackfill").toString()));
            Path jar = Path.of(home, "app", "target", "pgbackfill.jar");
            if (Files.isRegularFile(jar)) {
                lines.put(JAR, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
            }
        }
        if (baseline != null) {
            lines.put(BASELINE + baseline, List.of(baseline));
        }
        return lines;
    }

    /** The launchers that start services (a bare jar would need the embedded broker it does not have). */
    static Map<String, List<String>> launchers(String baseline) {
        Map<String, List<String>> lines = new LinkedHashMap<>(commandLines(baseline));
        lines.remove(JAR);
        return lines;
    }
}
