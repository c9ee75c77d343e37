package dev.pgbackfill.coordinator.api;

import dev.pgbackfill.migrate.run.HistoryEntry;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.migrate.run.RevisionStatus;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of schema migrations: revisions with their phases and state, pending work, history. */
@RestController
@RequestMapping("/api/migrations")
public class MigrationController {
    private final MigrationCatalog catalog;

    public MigrationController(MigrationCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * @param configured false when the coordinator was started without a revision set (revisions is then empty)
     * @param pending    revisions not yet complete, in the order {@code migrate up} would run them
     */
    public record MigrationsView(String scope, boolean configured, List<String> heads, List<String> current,
                                 List<RevisionStatus> revisions, List<String> pending) {
    }

    @GetMapping
    public MigrationsView status() {
        if (!catalog.configured()) {
            return new MigrationsView(catalog.scope(), false, List.of(), List.of(), List.of(), List.of());
        }
        Migrator m = catalog.reader();
        List<RevisionStatus> revisions = m.status();
        return new MigrationsView(catalog.scope(), true, catalog.graph().heads(), Migrator.current(revisions), revisions,
                revisions.stream().filter(r -> !r.state().equals("applied")).map(RevisionStatus::revision).toList());
    }

    @GetMapping("/history")
    public List<HistoryEntry> history() {
        return catalog.reader().history();
    }
}
