package dev.pgbackfill.coordinator.plan;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** What a {@link Planner} did across the relations it cut, gathered as it goes into one sentence. */
final class PlanNotes {
    private final Set<String> sources = new LinkedHashSet<>();
    private long pagesSampled;
    private boolean checked;
    private int chunksCutAgain;
    private int chunksMerged;
    private double largestInChunkSizes;
    private String resized = "";
    private int relationsResized;

    void source(String source) {
        sources.add(source);
    }

    /** A relation held far more rows than its statistics said: it was planned again for what the sample saw. */
    void resized(long wanted, long seen, long pagesRead) {
        relationsResized++;
        resized = relationsResized == 1 ? "; statistics promised " + wanted + " chunk(s), a sample saw rows for " + seen
                : "; in " + relationsResized + " relations a sample saw over twice the rows statistics promised";
        pagesSampled += pagesRead;
    }

    /** A relation without statistics was cut at a sample's keys. */
    void sampled(long pages) {
        sources.add("a block sample's keys (no statistics)");
        pagesSampled += pages;
    }

    /** A relation's cuts were checked against a sample. */
    void checked(long pages, KeySample.Evened evened) {
        checked = true;
        pagesSampled += pages;
        chunksCutAgain += evened.chunksCutAgain();
        chunksMerged += evened.chunksMerged();
        largestInChunkSizes = Math.max(largestInChunkSizes, evened.largestInChunkSizes());
    }

    String summary(int chunks) {
        StringBuilder s = new StringBuilder("planned ").append(chunks).append(" chunk(s)");
        if (sources.isEmpty()) {
            return s.toString();
        }
        s.append(" at ").append(String.join(" and ", sources)).append(resized);
        if (checked) {
            s.append("; a ").append(pagesSampled).append("-page sample ");
            if (chunksCutAgain == 0 && chunksMerged == 0) {
                s.append("changed nothing");
            }
            if (chunksCutAgain > 0) {
                s.append("cut ").append(chunksCutAgain).append(" chunk(s) over ").append(Evenness.OVERFULL).append(" chunk sizes again");
            }
            if (chunksMerged > 0) {
                s.append(chunksCutAgain > 0 ? " and merged " : "merged ").append(chunksMerged).append(" chunk(s) into a neighbour");
            }
            s.append(String.format(Locale.ROOT, " (the largest held %.1f, as sampled)", largestInChunkSizes));
        } else {
            s.append(" (").append(pagesSampled).append(" pages read)");
        }
        return s.toString();
    }
}
