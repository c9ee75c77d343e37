package dev.pgbackfill.coordinator.api;

import dev.pgbackfill.coordinator.control.ClusterView;
import dev.pgbackfill.coordinator.control.Coordinator;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The worker processes, and who the caller is (the dashboard hides the controls from viewers). */
@RestController
@RequestMapping("/api")
public class ClusterController {
    private final ClusterView view;

    public ClusterController(Coordinator coordinator) {
        this.view = new ClusterView(coordinator.jobs().dataSource());
    }

    /** Workers seen in the last hour: id, host, pid, threads, heartbeat, chunks running, alive. */
    @GetMapping("/workers")
    public List<ClusterView.WorkerInfo> workers() {
        return view.workers();
    }

    public record Me(String role) {
    }

    @GetMapping("/me")
    public Me me(Principal who) {
        return new Me(who == null ? "anonymous" : who.getName().toLowerCase(Locale.ROOT));
    }
}
