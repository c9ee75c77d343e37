package dev.pgbackfill.coordinator.api;

import dev.pgbackfill.coordinator.control.ClusterView;
import java.time.Duration;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.job.JobEvent;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.util.HashMap;
import java.util.Map;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Jobs: list, launch, status, events, pause / resume / cancel. The CLI's client commands call exactly these. */
@RestController
@RequestMapping("/api/jobs")
public class JobController {
    private final Coordinator coordinator;

    private final ClusterView view;

    public JobController(Coordinator coordinator) {
        this.coordinator = coordinator;
        this.view = new ClusterView(coordinator.jobs().dataSource());
    }

    /** Optional body of pause / resume / cancel. */
    public record Reason(String reason) {
    }

    @GetMapping
    public List<JobStatus> list() {
        return coordinator.jobs().list();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public JobStatus launch(@RequestBody BackfillSpec spec, Principal who) {
        long id = coordinator.launch(spec, actor(who));
        return coordinator.status(id);
    }

    @GetMapping("/{id}")
    public JobStatus status(@PathVariable long id) {
        return coordinator.status(id);
    }

    /** Rows done over the last {@code minutes} (default 60), sampled every few seconds: the rate chart. */
    @GetMapping("/{id}/samples")
    public List<ClusterView.RateSample> samples(@PathVariable long id, @RequestParam(defaultValue = "60") int minutes) {
        if (minutes < 1 || minutes > 24 * 60) {
            throw new InvalidInputException("minutes", "minutes must be between 1 and 1440, got " + minutes);
        }
        return view.samples(id, Duration.ofMinutes(minutes));
    }

    /**
     * Every chunk: state (PENDING, RUNNING, DONE, STUCK), rows, attempts, lease owner: the chunk map. With
     * {@code cells}, a job with more chunks comes merged into that many runs of neighbours.
     */
    @GetMapping("/{id}/chunks")
    public List<ClusterView.ChunkInfo> chunks(@PathVariable long id, @RequestParam(required = false) Integer cells) {
        if (cells != null && (cells < 1 || cells > 100_000)) {
            throw new InvalidInputException("cells", "cells must be between 1 and 100000, got " + cells);
        }
        return cells == null ? view.chunks(id) : view.chunks(id, cells);
    }

    @GetMapping("/{id}/events")
    public List<JobEvent> events(@PathVariable long id) {
        return coordinator.jobs().events(id);
    }

    @PostMapping("/{id}/pause")
    public JobStatus pause(@PathVariable long id, @RequestBody(required = false) Reason reason, Principal who) {
        coordinator.pause(id, actor(who), reason == null ? null : reason.reason());
        return coordinator.status(id);
    }

    @PostMapping("/{id}/resume")
    public JobStatus resume(@PathVariable long id, @RequestBody(required = false) Reason reason, Principal who) {
        coordinator.resume(id, actor(who), reason == null ? null : reason.reason());
        return coordinator.status(id);
    }

    @PostMapping("/{id}/cancel")
    public JobStatus cancel(@PathVariable long id, @RequestBody(required = false) Reason reason, Principal who) {
        coordinator.cancel(id, actor(who), reason == null ? null : reason.reason());
        return coordinator.status(id);
    }

    /** The job's throttle settings. */
    @GetMapping("/{id}/throttle")
    public ThrottleSettings throttle(@PathVariable long id) {
        return coordinator.jobs().throttle(id);
    }

    /**
     * Changes the throttle while the job runs. Body: any ThrottleSettings fields ({@code rate}, {@code schedule},
     * {@code batchTargetMs}, {@code sleepRatio}, {@code replicaLagSeconds: {throttle, critical}}, …), plus
     * {@code clear: true} to drop the current settings first.
     */
    @PostMapping("/{id}/throttle")
    public ThrottleSettings changeThrottle(@PathVariable long id, @RequestBody Map<String, Object> body, Principal who) {
        Map<String, Object> fields = new HashMap<>(body);
        boolean clear = Boolean.TRUE.equals(fields.remove("clear"));
        ThrottleSettings change;
        try {
            change = Json.MAPPER.convertValue(fields, ThrottleSettings.class);
        } catch (RuntimeException e) {
            throw new InvalidInputException("throttle", "the throttle body does not match the settings: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return coordinator.throttle(id, change, clear, actor(who));
    }

    private static String actor(Principal who) {
        return "api:" + (who == null ? "anonymous" : who.getName());
    }
}
