package dev.pgbackfill.springbatch;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.BatchStatus;

/**
 * The runs of a pgbackfill job, from its state events: a run starts each time the job becomes RUNNING (launched,
 * resumed) and ends when it leaves RUNNING. Each run is one Spring Batch job execution of the job's instance, so a
 * paused and resumed job shows as a STOPPED execution followed by a new one, as a stopped and restarted Spring Batch
 * job does; cancelling a paused job abandons its stopped execution. Pure: {@code JobRunsTest}.
 */
final class JobRuns {
    /** One state change of the job ({@code pgbackfill.job_event}, kind {@code state}). */
    record StateEvent(LocalDateTime at, String from, String to, String reason) {
    }

    /** A run; {@code end} is null while it lasts. */
    record Run(LocalDateTime start, LocalDateTime end, String endState, String reason) {
        BatchStatus status() {
            return endState == null ? BatchStatus.STARTED : switch (endState) {
                case "SUCCEEDED" -> BatchStatus.COMPLETED;
                case "PAUSED" -> BatchStatus.STOPPED;
                case "CANCELLED" -> BatchStatus.ABANDONED;
                default -> BatchStatus.FAILED;
            };
        }
    }

    private JobRuns() {
    }

    static List<Run> from(List<StateEvent> events) {
        List<Run> runs = new ArrayList<>();
        LocalDateTime start = null;
        for (StateEvent e : events) {
            if ("RUNNING".equals(e.to()) && start == null) {
                start = e.at();
            } else if ("RUNNING".equals(e.from()) && !"RUNNING".equals(e.to()) && start != null) {
                runs.add(new Run(start, e.at(), e.to(), e.reason()));
                start = null;
            } else if ("CANCELLED".equals(e.to()) && start == null && !runs.isEmpty()) {
                // cancelled while paused or failed: Spring Batch's abandon of a stopped execution
                Run last = runs.removeLast();
                runs.add(new Run(last.start(), last.end(), "CANCELLED", e.reason()));
            }
        }
        if (start != null) {
            runs.add(new Run(start, null, null, null));
        }
        return runs;
    }
}
