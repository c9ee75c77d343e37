package dev.pgbackfill.coordinator.verify;

import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The final verification's two reads: by pages (cheap, whole table) and by chunk range (says which chunks). */
final class RemainingRows {
    /** Pages read by one statement of the final verification (64 MB of 8 kB pages): bounded, like every statement here. */
    static final long SLICE_PAGES = 8_192;

    private RemainingRows() {
    }

    /**
     * Whether any row of the table still matches the job's predicate, read in slices of {@link #SLICE_PAGES}
     * pages by TID range scans: on a freshly backfilled table (old row versions still in the index) this is several
     * times cheaper than walking every chunk's key range through the index. The last slice has no upper bound, so
     * pages added while it runs are read too. Before PostgreSQL 14 (no TID range scan) this answers true, and the
     * chunk-by-chunk check does all the work.
     */
    static boolean anyInPages(Connection c, ResolvedSpec spec, BatchSql sql) throws SQLException {
        if (c.getMetaData().getDatabaseMajorVersion() < 14) {
            return true;
        }
        long pages = pages(c, spec, sql);
        try (PreparedStatement bounded = c.prepareStatement(sql.remainingInPages(true));
             PreparedStatement open = c.prepareStatement(sql.remainingInPages(false))) {
            for (long first = 0; ; first += SLICE_PAGES) {
                boolean last = first + SLICE_PAGES >= pages;
                PreparedStatement ps = last ? open : bounded;
                ps.setString(1, "(" + first + ",0)");
                if (!last) {
                    ps.setString(2, "(" + (first + SLICE_PAGES) + ",0)");
                }
                boolean found;
                try (ResultSet rs = ps.executeQuery()) {
                    found = rs.next();
                }
                c.commit();
                if (found || last) {
                    return found;
                }
            }
        }
    }

    private static long pages(Connection c, ResolvedSpec spec, BatchSql sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.pages())) {
            ps.setString(1, spec.table().sql());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long pages = rs.getLong(1);
                c.commit();
                return pages;
            }
        }
    }

    /** The chunks in whose range a row still matches, each checked by one bounded index read. */
    static List<Integer> chunksWithRows(Connection c, List<ChunkStore.Range> ranges, BatchSql sql) throws SQLException {
        List<Integer> found = new ArrayList<>();
        for (ChunkStore.Range r : ranges) {
            try (PreparedStatement check = c.prepareStatement(sql.remaining(r.lo() != null, r.hi() != null))) {
                int i = BatchSql.bindRange(check, r.lo(), r.hi());
                check.setInt(i, 1);
                try (ResultSet rs = check.executeQuery()) {
                    if (rs.next()) {
                        found.add(r.chunkNo());
                    }
                }
            }
        }
        c.commit();
        return found;
    }
}
