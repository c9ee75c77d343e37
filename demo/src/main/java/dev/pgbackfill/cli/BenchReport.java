package dev.pgbackfill.cli;

import dev.pgbackfill.job.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The bench's results as a Markdown table with same-run ratios (printed) and JSON (written to --out). */
final class BenchReport {
    private final BenchCommand b;

    BenchReport(BenchCommand bench) {
        this.b = bench;
    }

    @SuppressWarnings("unchecked")
    void write(List<BenchCommand.Result> results, Map<String, Object> machine, Map<String, Object> sections) throws Exception {
        Map<String, Object> impact = (Map<String, Object>) sections.get("impact");
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n| method | rows | seconds | rows/s | ÷ in-server | ÷ seed loop | ÷ Spring Batch | note |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---|%n"));
        List<Map<String, Object>> json = new ArrayList<>();
        for (BenchCommand.Result r : results) {
            String round = roundOf(r.method());
            Double ceiling = rate(results, "in-server", round);
            Double seed = rate(results, "seed loop", round);
            Double batch = rate(results, "Spring Batch", round);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %s | %s | %s | %s |%n", r.method(), r.rows(), r.seconds(), r.rowsPerSecond(),
                    ratio(r.rowsPerSecond(), ceiling), ratio(r.rowsPerSecond(), seed), ratio(r.rowsPerSecond(), batch), r.note() == null ? "" : r.note()));
            json.add(row(r, ceiling, seed, batch));
        }
        md.append(medians(results));
        if (impact != null) {
            md.append(impactTable(impact));
        }
        md.append(BenchOperatorReport.tables(sections));
        System.out.print(md);
        Path jsonFile = save(md.toString(), machine, json, sections);
        System.out.println("\nresults: " + jsonFile);
    }

    private static Map<String, Object> row(BenchCommand.Result r, Double ceiling, Double seed, Double batch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", r.method());
        m.put("rows", r.rows());
        m.put("seconds", r.seconds());
        m.put("rowsPerSecond", r.rowsPerSecond());
        m.put("vsInServer", ceiling == null ? null : r.rowsPerSecond() / ceiling);
        m.put("vsSeedLoop", seed == null ? null : r.rowsPerSecond() / seed);
        m.put("vsSpringBatch", batch == null ? null : r.rowsPerSecond() / batch);
        m.put("planSeconds", r.planSeconds());
        m.put("claimSeconds", r.claimSeconds());
        m.put("firstBatchSeconds", r.firstBatchSeconds());
        m.put("verifySeconds", r.verifySeconds());
        m.put("heapMb", r.heapMb());
        m.put("note", r.note());
        return m;
    }

    private String impactTable(Map<String, Object> impact) {
        return String.format(Locale.ROOT, "%n| foreground and control (run throttled to %.0f %%, OLTP %s) | value | target |%n|---|---:|---:|%n"
                        + "| OLTP p99 during ÷ idle | %.2f× (%.2f / %.2f ms) | ≤ 1.25× |%n| OLTP p50 during ÷ idle | %.2f× | |%n"
                        + "| throttle achieved ÷ target | %.3f (%.0f / %.0f rows/s) | 0.9–1.1 |%n| pause returned after | %.3f s | ≤ one batch + 1 s |%n"
                        + "| rows committed after pause | %d | 0 |%n",
                100 * b.impactThrottle, b.oltpLoad(),
                impact.get("p99Ratio"), impact.get("oltpDuringP99Ms"), impact.get("oltpIdleP99Ms"), impact.get("p50Ratio"),
                impact.get("throttleAccuracy"), impact.get("throttleAchieved"), impact.get("throttleTarget"), impact.get("pauseSeconds"),
                impact.get("rowsCommittedAfterPause"));
    }

    /** Writes the JSON and Markdown results to --out; returns the JSON file. */
    private Path save(String md, Map<String, Object> machine, List<Map<String, Object>> json, Map<String, Object> sections) throws Exception {
        Files.createDirectories(b.out);
        String stamp = Instant.now().toString().replace(":", "").replaceAll("\\..*", "");
        Path jsonFile = b.out.resolve("bench-" + b.rows + "-" + b.key + "-" + stamp + ".json");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rows", b.rows);
        doc.put("key", b.key);
        doc.put("at", Instant.now().toString());
        doc.put("machine", machine);
        doc.put("results", json);
        doc.putAll(sections);
        Files.writeString(jsonFile, Json.write(doc));
        Files.writeString(b.out.resolve("bench-" + b.rows + "-" + b.key + "-" + stamp + ".md"), md);
        return jsonFile;
    }

    private static final java.util.regex.Pattern ROUND = java.util.regex.Pattern.compile(" \\[round (\\d+)]$");

    /** The round of a --repeat result ("… [round 3]"), or "" for a single run. */
    private static String roundOf(String method) {
        java.util.regex.Matcher m = ROUND.matcher(method);
        return m.find() ? m.group() : "";
    }

    /** With --repeat: each method's ratios to its own round's in-server loop, and their median. */
    private static String medians(List<BenchCommand.Result> results) {
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (BenchCommand.Result r : results) {
            Double ceiling = rate(results, "in-server", roundOf(r.method()));
            if (!roundOf(r.method()).isEmpty() && ceiling != null) {
                ratios.computeIfAbsent(ROUND.matcher(r.method()).replaceAll(""), k -> new ArrayList<>()).add(r.rowsPerSecond() / ceiling);
            }
        }
        if (ratios.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%n| method | ÷ in-server of its round, each round | median |%n|---|---|---:|%n"));
        ratios.forEach((method, values) -> md.append(String.format(Locale.ROOT, "| %s | %s | %.2f× |%n", method,
                String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList()), BenchClient.median(values))));
        return md.toString();
    }

    private static Double rate(List<BenchCommand.Result> results, String prefix, String round) {
        return results.stream().filter(r -> r.method().startsWith(prefix) && roundOf(r.method()).equals(round))
                .map(BenchCommand.Result::rowsPerSecond).findFirst().orElse(null);
    }

    private static String ratio(double value, Double base) {
        return base == null ? "" : String.format(Locale.ROOT, "%.2f×", value / base);
    }
}
