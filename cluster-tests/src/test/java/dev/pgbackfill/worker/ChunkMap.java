package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.testkit.TestDatabase;
import java.util.List;

/** What a job's chunk rows must show after it ran, splits included: how its key space was cut and shared. */
final class ChunkMap {
    private ChunkMap() {
    }

    /** The chunks' ranges in the key's order ({@code keyType}): each starts where the one before it ends, both ends open. */
    static void assertCoverWithoutGapOrOverlap(TestDatabase db, long job, String keyType) {
        List<List<String>> ranges = db.query("SELECT coalesce(lo->>0, '-inf'), coalesce(hi->>0, 'inf') FROM pgbackfill.chunk WHERE job_id = ? "
                + "ORDER BY (lo->>0)::" + keyType + " NULLS FIRST", job);
        assertThat(ranges.getFirst().getFirst()).isEqualTo("-inf");
        assertThat(ranges.getLast().getLast()).isEqualTo("inf");
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i).getFirst()).as("chunk %d starts where chunk %d ends: %s", i, i - 1, ranges).isEqualTo(ranges.get(i - 1).getLast());
        }
    }

    /** Rows done by the chunks that did more than one (an outlier's own chunk does not count), smallest first. */
    static List<Long> rowsPerChunk(TestDatabase db, long job) {
        return db.query("SELECT rows_done FROM pgbackfill.chunk WHERE job_id = ? AND rows_done > 1 ORDER BY rows_done", job)
                .stream().map(r -> Long.parseLong(r.getFirst())).toList();
    }

    /** No chunk did more than twice the median chunk's rows. */
    static void assertLargestWithinTwiceTheMedian(List<Long> sortedRows) {
        assertThat(sortedRows.getLast()).as("largest chunk against the median, rows %s", sortedRows)
                .isLessThanOrEqualTo(2 * sortedRows.get(sortedRows.size() / 2));
    }
}
