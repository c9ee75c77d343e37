package dev.pgbackfill.spring.boot;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.worker.Worker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/pgbackfill}: this application's part in the cluster and the jobs; {@code /actuator/pgbackfill/{id}}
 * one job; a POST to {@code /actuator/pgbackfill/{id}/pause|resume|cancel} acts on it (as actor {@code actuator}).
 * Read-only unless {@code management.endpoint.pgbackfill.access=unrestricted}: Actuator adds no authentication, so
 * turn the writes on only behind the application's security. Like every endpoint it is reachable over HTTP only once
 * exposed ({@code management.endpoints.web.exposure.include}); the job list includes every job's spec.
 */
@Endpoint(id = "pgbackfill", defaultAccess = Access.READ_ONLY)
public class PgbackfillEndpoint {
    private final @Nullable BackfillOperations operations;
    private final @Nullable Worker worker;

    public PgbackfillEndpoint(@Nullable BackfillOperations operations, @Nullable Worker worker) {
        this.operations = operations;
        this.worker = worker;
    }

    @ReadOperation
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (worker != null) {
            out.put("worker", Map.of("id", worker.id(), "chunksDone", worker.chunksDone(), "circuit", worker.circuitState().name()));
        }
        if (operations != null) {
            out.put("jobs", operations.list());
        } else {
            out.put("jobs", "no client here: enable pgbackfill.coordinator.enabled or set pgbackfill.url");
        }
        return out;
    }

    @ReadOperation
    public JobStatus job(@Selector long id) {
        return client().status(id);
    }

    @WriteOperation
    public JobStatus act(@Selector long id, @Selector String action, @Nullable String reason) {
        BackfillOperations ops = client();
        String why = reason == null ? "from the actuator endpoint" : reason;
        switch (action) {
            case "pause" -> ops.pause(id, "actuator", why);
            case "resume" -> ops.resume(id, "actuator", why);
            case "cancel" -> ops.cancel(id, "actuator", why);
            default -> throw new InvalidInputException("action", "unknown action \"" + action + "\": use pause, resume or cancel");
        }
        return ops.status(id);
    }

    private BackfillOperations client() {
        if (operations == null) {
            throw new IllegalStateException("no pgbackfill client in this application: enable pgbackfill.coordinator.enabled or set pgbackfill.url");
        }
        return operations;
    }
}
