package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.spec.KeyColumn;
import dev.pgbackfill.spec.ResolvedSpec;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The read-only statements of {@link KeySample}, built like every statement here from catalog-validated, quoted
 * identifiers and key types, with values as bind parameters. Every one reads the same block sample: {@code TABLESAMPLE
 * SYSTEM (percent) REPEATABLE (7)} — the same percent and seed give the same pages. Chunks are {@code (lo, hi]}.
 */
final class SampleSql {
    private static final String SAMPLE = " t TABLESAMPLE SYSTEM (?) REPEATABLE (7)";
    private final ResolvedSpec spec;

    SampleSql(ResolvedSpec spec) {
        this.spec = spec;
    }

    /** The sampled rows. Parameter: the percent. */
    String count() {
        return "SELECT count(*) FROM " + spec.table().sql() + SAMPLE;
    }

    /**
     * {@code pieces - 1} whole keys that cut the sampled keys into pieces of as many sampled rows, sorted by the server
     * (the key's own order and collation). Parameters: the percent, then {@code pieces} twice.
     */
    String cuts() {
        List<KeyColumn> keys = spec.keys();
        String aliased = IntStream.range(0, keys.size()).mapToObj(i -> "t." + keys.get(i).quoted() + " AS pgbf_k" + i).collect(Collectors.joining(", "));
        String order = keys.stream().map(k -> "t." + k.quoted()).collect(Collectors.joining(", "));
        String out = IntStream.range(0, keys.size()).mapToObj(i -> "s.pgbf_k" + i + "::text").collect(Collectors.joining(", "));
        return "SELECT " + out + " FROM (SELECT " + aliased + ", row_number() OVER (ORDER BY " + order + ") AS pgbf_rn, count(*) OVER () AS pgbf_n"
                + " FROM " + spec.table().sql() + SAMPLE + ") s"
                + " WHERE s.pgbf_rn < s.pgbf_n AND s.pgbf_rn * ? / s.pgbf_n > (s.pgbf_rn - 1) * ? / s.pgbf_n ORDER BY s.pgbf_rn";
    }

    /**
     * The sample's rows in each chunk of the leading key column cut at an array of values: {@code (chunk, rows)}.
     * Parameters: the cuts ({@code text[]}), then the percent.
     */
    String perChunk() {
        return "SELECT b.chunk, count(*) FROM (" + chunked() + ") b GROUP BY 1";
    }

    /**
     * Sampled leading-key values that cut some chunks again, each into its number of pieces of as many sampled rows:
     * {@code (chunk, value)} in order. Parameters: the cuts ({@code text[]}), the percent, the chunks to cut
     * ({@code int[]}), their pieces ({@code int[]}).
     */
    String recuts() {
        return "SELECT s.chunk, s.pgbf_k0::text FROM (SELECT b.chunk, b.pgbf_k0, row_number() OVER (PARTITION BY b.chunk ORDER BY b.pgbf_k0) AS rn,"
                + " count(*) OVER (PARTITION BY b.chunk) AS n FROM (" + chunked() + ") b) s"
                + " JOIN unnest(CAST(? AS int[]), CAST(? AS int[])) AS p(chunk, pieces) ON p.chunk = s.chunk"
                + " WHERE s.rn < s.n AND s.rn * p.pieces / s.n > (s.rn - 1) * p.pieces / s.n ORDER BY s.chunk, s.rn";
    }

    /**
     * Each sampled row's chunk and leading key value. width_bucket counts a value equal to a cut into the range that
     * starts there; the correction puts it back in the chunk that cut ends.
     */
    private String chunked() {
        KeyColumn lead = spec.keys().get(0);
        String k = "t." + lead.quoted();
        return "SELECT w.bucket - coalesce((w.cuts[w.bucket] = w.pgbf_k0)::int, 0) AS chunk, w.pgbf_k0 FROM (SELECT width_bucket(" + k
                + ", cc.cuts) AS bucket, " + k + " AS pgbf_k0, cc.cuts"
                + " FROM (SELECT CAST(CAST(? AS text[]) AS " + lead.type() + "[]) AS cuts) cc, " + spec.table().sql() + SAMPLE + ") w";
    }
}
