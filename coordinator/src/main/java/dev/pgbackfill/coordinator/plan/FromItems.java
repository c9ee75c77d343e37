package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.sql.Identifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code --from} as a list of {@code relation [AS] alias} items, when it is that simple. */
final class FromItems {
    record Item(String relation, String alias) {
    }

    private FromItems() {
    }

    /** The items, or null when one of them is anything else (a subquery, a function, a JOIN clause). */
    static @Nullable List<Item> parse(String from) {
        List<Item> items = new ArrayList<>();
        for (String piece : from.split(",")) {
            String[] words = piece.strip().split("\\s+");
            if (words.length == 3 && words[1].equalsIgnoreCase("as")) {
                words = new String[] {words[0], words[2]};
            }
            if (words.length != 2) {
                return null;
            }
            try {
                List<String> alias = Identifier.parse("from", words[1]);
                Identifier.parse("from", words[0]);
                if (alias.size() != 1) {
                    return null;
                }
                items.add(new Item(words[0], alias.get(0)));
            } catch (RuntimeException e) {
                return null;
            }
        }
        return items;
    }
}
