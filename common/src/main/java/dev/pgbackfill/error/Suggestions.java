package dev.pgbackfill.error;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean …?" hints: the closest candidate by edit distance, when it is close enough to be a typo. */
public final class Suggestions {
    private Suggestions() {
    }

    public static Optional<String> closest(String wanted, Collection<String> candidates) {
        String w = wanted.toLowerCase();
        return candidates.stream()
                .min(Comparator.comparingInt((String c) -> distance(w, c.toLowerCase())).thenComparing(c -> c))
                .filter(c -> distance(w, c.toLowerCase()) <= Math.max(2, w.length() / 3));
    }

    static String didYouMean(String suggestion) {
        return suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?";
    }

    /** The edit (Levenshtein) distance between two strings. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
