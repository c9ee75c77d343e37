package dev.pgbackfill.migrate.revision;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Where {@code migrate up}, {@code down}, {@code sql} or {@code stamp} goes, once its spelling is resolved ({@link Targets}). */
public sealed interface Target {
    /**
     * Nothing applied.
     *
     * @param branch the revision whose branch alone goes to base ({@code rev@base}), or null for everything
     */
    record Base(@Nullable String branch) implements Target {
        public Base() {
            this(null);
        }
    }

    /**
     * These revisions (one, or every head for {@code heads}).
     *
     * @param branch the revision whose branch a downgrade is limited to ({@code label@…}, {@code rev@…}), or null
     */
    record Revisions(List<String> ids, @Nullable String branch) implements Target {
        public Revisions {
            ids = List.copyOf(ids);
        }
    }
}
