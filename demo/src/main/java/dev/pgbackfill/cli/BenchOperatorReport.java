package dev.pgbackfill.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The operator-path sections (cli, startup, memory) as Markdown tables, with the targets of issue 19. */
final class BenchOperatorReport {
    private BenchOperatorReport() {
    }

    @SuppressWarnings("unchecked")
    static String tables(Map<String, Object> sections) {
        StringBuilder md = new StringBuilder();
        if (sections.get("cli") instanceof Map<?, ?> cli) {
            md.append(cli((Map<String, Map<String, Double>>) cli));
        }
        if (sections.get("startup") instanceof Map<?, ?> startup) {
            md.append(startup((Map<String, Map<String, Object>>) startup));
        }
        if (sections.get("memory") instanceof Map<?, ?> memory) {
            md.append(memory((Map<String, Map<String, Object>>) memory));
        }
        return md.toString();
    }

    private static String cli(Map<String, Map<String, Double>> cli) {
        Map<String, Double> quiet = cli.get("quiet");
        Map<String, Double> busy = cli.get("busy");
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "%n| pause / resume, one process each (median of 10) | quiet | every core busy |%n|---|---:|---:|%n"));
        quiet.forEach((name, s) -> md.append(String.format(Locale.ROOT, "| %s | %.3f s | %.3f s |%n", name, s, busy.get(name))));
        String baseline = quiet.keySet().stream().filter(n -> n.startsWith(BenchLaunchers.BASELINE)).findFirst().orElse(null);
        if (baseline != null && quiet.containsKey(BenchLaunchers.THIS)) {
            md.append(String.format(Locale.ROOT, "| this checkout ÷ baseline (target ≤ 0.3× busy; ≤ 0.5 s quiet) | %.2f× | %.2f× |%n",
                    quiet.get(BenchLaunchers.THIS) / quiet.get(baseline), busy.get(BenchLaunchers.THIS) / busy.get(baseline)));
        }
        return md.toString();
    }

    private static String startup(Map<String, Map<String, Object>> startup) {
        List<String> names = List.copyOf(startup.keySet());
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%n| start-up, seconds | %s | target |%n|---|%s---:|%n",
                String.join(" | ", names), "---:|".repeat(names.size())));
        row(md, startup, names, "coordinator answers its API, external broker", "coordinatorSeconds", "≤ 5");
        row(md, startup, names, "coordinator answers its API, embedded broker", "coordinatorEmbeddedBrokerSeconds", "≤ 12");
        row(md, startup, names, "worker joined its consumer group", "workerSeconds", "≤ 3");
        row(md, startup, names, "run: wall time beyond the job, external broker", "runOverheadSeconds", "≤ 5");
        row(md, startup, names, "run: wall time beyond the job, embedded broker", "runOverheadEmbeddedBrokerSeconds", "");
        return md.toString();
    }

    private static void row(StringBuilder md, Map<String, Map<String, Object>> startup, List<String> names, String label, String key, String target) {
        md.append("| ").append(label).append(" | ");
        for (String name : names) {
            md.append(String.format(Locale.ROOT, "%.2f | ", ((Number) startup.get(name).get(key)).doubleValue()));
        }
        md.append(target).append(" |\n");
    }

    private static String memory(Map<String, Map<String, Object>> m) {
        return String.format(Locale.ROOT, "%n| memory, MB (the worker as in a 256 MB container: %s; the coordinator as in a 512 MB one) | RSS | heap used |%n|---|---:|---:|%n"
                        + "| worker, idle | %.0f | %.0f |%n| worker, peak while backfilling (4 threads) | %.0f | %.0f |%n"
                        + "| coordinator, idle | %.0f | %.0f |%n| coordinator, peak while backfilling | %.0f | %.0f |%n",
                BenchMemory.CONTAINER, m.get("workerIdle").get("rssMb"), m.get("workerIdle").get("heapUsedMb"),
                m.get("workerLoaded").get("rssPeakMb"), m.get("workerLoaded").get("heapUsedPeakMb"),
                m.get("coordinatorIdle").get("rssMb"), m.get("coordinatorIdle").get("heapUsedMb"),
                m.get("coordinatorLoaded").get("rssPeakMb"), m.get("coordinatorLoaded").get("heapUsedPeakMb"));
    }
}
