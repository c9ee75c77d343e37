package dev.pgbackfill.migrate.revision;

import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.op.Op;
import dev.pgbackfill.sql.SqlSplitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads SQL-file revisions:
 * <pre>
 * -- revision: 005
 * -- down_revision: 004          (several for a merge: 004, 004b; absent for the first revision)
 * -- message: orders.total_cents
 * -- transactional: false        (optional: statements run one by one, e.g. CREATE INDEX CONCURRENTLY)
 * -- phase: contract             (optional, default expand: when the up section runs)
 * -- lint-ack: drop-without-backup (optional: lint findings accepted knowingly)
 * -- migrate:up
 * ...;
 * -- migrate:down
 * ...;
 * </pre>
 */
public final class SqlRevisionParser {
    private static final Pattern HEADER = Pattern.compile("^--\\s*([A-Za-z_-]+)\\s*:\\s*(.*?)\\s*$");
    private static final Set<String> KEYS = Set.of("revision", "down_revision", "depends_on", "branch_labels", "message", "transactional", "phase",
            "lint-ack");

    private SqlRevisionParser() {
    }

    /** Every {@code *.sql} file of a folder, in name order. */
    public static List<Revision> directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidRevisionException("--migrations " + dir + ": no such folder");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sql = files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
            List<Revision> out = new ArrayList<>();
            for (Path p : sql) {
                out.add(parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new InvalidRevisionException("--migrations " + dir + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Where a file's header lines and its two sections are. */
    private record Layout(Map<String, String> headers, Map<String, Integer> headerLines, int up, int down) {
    }

    public static Revision parse(String source, String text) {
        String[] lines = text.split("\n", -1);
        Layout layout = scan(source, lines);
        Map<String, String> headers = layout.headers();
        String id = revisionId(source, layout);
        String transactional = headers.getOrDefault("transactional", "true").toLowerCase();
        if (!transactional.equals("true") && !transactional.equals("false")) {
            throw bad(source, 1, "\"-- transactional:\" must be true or false, got \"" + transactional + "\"");
        }
        Phase phase = phase(source, headers);
        String name = Path.of(source).getFileName().toString();
        List<Op> upgrade = ops(name, String.join("\n", Arrays.copyOfRange(lines, layout.up() + 1, layout.down())), layout.up() + 2, phase);
        List<Op> downgrade = ops(name, String.join("\n", Arrays.copyOfRange(lines, layout.down() + 1, lines.length)), layout.down() + 2, Phase.EXPAND);
        String parents = headers.getOrDefault("down_revision", "");
        List<String> downRevisions = parents.equalsIgnoreCase("none") ? List.of() : list(parents);
        return new Revision(id, downRevisions, headers.getOrDefault("message", ""), source, transactional.equals("true"),
                Set.copyOf(list(headers.getOrDefault("lint-ack", ""))), upgrade, downgrade, !downgrade.isEmpty() || upgrade.isEmpty(),
                layout.headerLines(), list(headers.getOrDefault("depends_on", "")), Set.copyOf(list(headers.getOrDefault("branch_labels", ""))));
    }

    /** Finds the headers (before the first section; plain comments allowed) and the two section markers. */
    private static Layout scan(String source, String[] lines) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, Integer> headerLines = new LinkedHashMap<>();
        int up = -1;
        int down = -1;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.matches("--\\s*migrate:up\\s*")) {
                if (up >= 0) {
                    throw bad(source, i + 1, "a second \"-- migrate:up\" (the first is on line " + (up + 1) + ")");
                }
                up = i;
            } else if (line.matches("--\\s*migrate:down\\s*")) {
                if (down >= 0) {
                    throw bad(source, i + 1, "a second \"-- migrate:down\" (the first is on line " + (down + 1) + ")");
                }
                down = i;
            } else if (up < 0 && down < 0) {
                header(source, i, line, headers, headerLines);
            }
        }
        checkSections(source, lines.length, up, down);
        return new Layout(headers, headerLines, up, down);
    }

    private static void header(String source, int i, String line, Map<String, String> headers, Map<String, Integer> headerLines) {
        Matcher m = HEADER.matcher(line);
        if (m.matches()) {
            String key = m.group(1).toLowerCase();
            if (!KEYS.contains(key)) {
                // "-- Author: ops" is a plain comment; "-- down_revison: 1" is a header with a typo, which must not pass silently
                java.util.Optional<String> near = nearHeader(key);
                if (near.isEmpty()) {
                    return;
                }
                throw bad(source, i + 1, "unknown header \"" + key + "\" (did you mean \"" + near.get() + "\"?); known: revision, down_revision, "
                        + "depends_on, branch_labels, message, transactional, phase, lint-ack; other \"-- word: text\" lines are plain comments");
            }
            headers.put(key, m.group(2));
            headerLines.put(key, i + 1);
        } else if (!line.isEmpty() && !line.startsWith("--")) {
            throw bad(source, i + 1, "SQL before \"-- migrate:up\"; put the upgrade's statements after that line");
        }
    }

    /**
     * The header an unknown {@code -- key:} line probably meant: one edit away (two for long keys), or a header's
     * first word or prefix ({@code depends}, {@code down_rev}). Anything else ({@code Author}, {@code Decision},
     * {@code Base}) is a plain comment.
     */
    public static java.util.Optional<String> nearHeader(String key) {
        String k = key.replace('-', '_');
        for (String header : KEYS) {
            String h = header.replace('-', '_');
            String firstWord = h.contains("_") ? h.substring(0, h.indexOf('_')) : null;
            if (h.startsWith(k) && k.length() >= 4 || firstWord != null && (k.equals(firstWord) || k.startsWith(firstWord + "_"))) {
                return java.util.Optional.of(header);
            }
        }
        return dev.pgbackfill.error.Suggestions.closest(k, KEYS.stream().map(h -> h.replace('-', '_')).toList())
                .filter(h -> dev.pgbackfill.error.Suggestions.distance(k, h) <= (k.length() >= 9 ? 2 : 1))
                .map(h -> KEYS.contains(h) ? h : h.replace('_', '-'));
    }

    private static void checkSections(String source, int lines, int up, int down) {
        if (up < 0) {
            throw bad(source, lines, "missing section \"-- migrate:up\"");
        }
        if (down < 0) {
            throw bad(source, lines, "missing section \"-- migrate:down\" (write the statements that undo the upgrade)");
        }
        if (down < up) {
            throw bad(source, down + 1, "\"-- migrate:down\" comes before \"-- migrate:up\"; put the upgrade first");
        }
    }

    private static String revisionId(String source, Layout layout) {
        String id = layout.headers().get("revision");
        if (id == null || id.isBlank()) {
            throw bad(source, 1, "missing header \"-- revision: <id>\"");
        }
        if (!id.matches("[A-Za-z0-9_.-]+")) {
            throw bad(source, layout.headerLines().get("revision"), "revision id \"" + id + "\" may only use letters, digits, '_', '.' and '-'");
        }
        return id;
    }

    private static Phase phase(String source, Map<String, String> headers) {
        if (!headers.containsKey("phase")) {
            return Phase.EXPAND;
        }
        Phase phase = Phase.parse("phase", headers.get("phase"));
        if (phase == Phase.BACKFILL) {
            throw bad(source, 1, "a SQL file's phase is expand or contract; write backfills as Java revisions (op.backfill) or run them with pgbackfill run");
        }
        return phase;
    }

    /** A comma-separated header value as a list, blanks dropped. */
    private static List<String> list(String value) {
        return value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static List<Op> ops(String file, String text, int firstLine, Phase phase) {
        return SqlSplitter.split(text, firstLine).stream()
                .map(s -> (Op) new Op.Execute(phase, s.sql(), file + ":" + s.line()))
                .toList();
    }

    private static InvalidRevisionException bad(String source, int line, String message) {
        return new InvalidRevisionException(source + ":" + line + ": " + message);
    }
}
