package dev.pgbackfill.springbatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * A pgbackfill job's chunks as partition step executions ({@code chunk-<n>}) of the execution that runs them: created
 * when the mirror first sees a chunk taken, COMPLETED with its rows when the chunk is done, STOPPED (or FAILED,
 * ABANDONED) with the rows so far when its run ends first; a chunk taken again in a later run (after a resume, or
 * reopened by the final check) gets a new step execution there. Each step's write count is the rows the chunk did in
 * that execution, so a chunk's step executions add up to its {@code rows_done}.
 */
final class ChunkSteps {
    private static final String CHUNKS = "SELECT chunk_no, state, rows_done, stuck_rows, started_at, finished_at FROM pgbackfill.chunk "
            + "WHERE job_id = ? AND (state <> 'PENDING' OR rows_done > 0) ORDER BY chunk_no";

    private final JobRepository repository;

    ChunkSteps(JobRepository repository) {
        this.repository = repository;
    }

    private record Chunk(int no, String state, long rowsDone, long stuckRows, java.time.LocalDateTime started, java.time.LocalDateTime finishedAt) {
        boolean isFinished() {
            return state.equals("DONE") || state.equals("STUCK");
        }
    }

    static String stepName(int chunkNo) {
        return "chunk-" + chunkNo;
    }

    /**
     * Brings the chunk steps of {@code current} (the execution of {@code run}, the job's latest) up to date; when the
     * run has ended, the steps still open take its end.
     */
    void sync(Connection c, long jobId, JobExecution current, List<JobExecution> executions, JobRuns.Run run, boolean latestRun) throws SQLException {
        Map<String, StepExecution> latest = new HashMap<>();
        Map<String, Long> recorded = new HashMap<>();
        for (JobExecution e : executions) {
            for (StepExecution s : e.getStepExecutions()) { // loaded with the executions: no query per execution
                latest.merge(s.getStepName(), s, (a, b) -> a.getId() > b.getId() ? a : b);
                recorded.merge(s.getStepName(), s.getWriteCount(), Long::sum);
            }
        }
        for (Chunk chunk : chunks(c, jobId)) {
            String name = stepName(chunk.no());
            StepExecution step = latest.get(name);
            boolean open = step != null && step.getStatus() == BatchStatus.STARTED && step.getJobExecutionId() == current.getId();
            boolean recordedDone = step != null && step.getStatus() == BatchStatus.COMPLETED && chunk.isFinished();
            // only the latest run takes chunks: an earlier run's unseen work is counted in the execution that sees it
            boolean taken = latestRun && (chunk.state().equals("RUNNING") && run.end() == null || chunk.isFinished());
            if (!open && !recordedDone && taken) {
                step = repository.createStepExecution(name, current);
                step.setStartTime(chunk.started() != null ? chunk.started() : run.start());
                step.setStatus(BatchStatus.STARTED);
                repository.update(step);
                open = true;
            }
            if (!open) {
                continue;
            }
            // the rows this execution did: the chunk's total less what its earlier step executions recorded
            long before = recorded.getOrDefault(name, 0L) - step.getWriteCount();
            if (chunk.isFinished() && latestRun) {
                close(step, BatchStatus.COMPLETED, chunk.rowsDone() - before, chunk.finishedAt() != null ? chunk.finishedAt() : run.end(),
                        chunk.stuckRows() > 0 ? new ExitStatus("COMPLETED", chunk.stuckRows() + " row(s) stuck (locked throughout)") : ExitStatus.COMPLETED);
            } else if (run.end() != null && !chunk.isFinished() || !latestRun) {
                BatchStatus status = run.status() == BatchStatus.COMPLETED ? BatchStatus.STOPPED : run.status();
                close(step, status, chunk.rowsDone() - before, run.end(), new ExitStatus(status.name(), "the job's run ended: " + run.endState()));
            }
        }
    }

    private void close(StepExecution step, BatchStatus status, long rows, java.time.LocalDateTime end, ExitStatus exit) {
        step.setWriteCount(rows);
        step.setStatus(status);
        step.setEndTime(end);
        step.setExitStatus(exit);
        repository.update(step);
    }

    private List<Chunk> chunks(Connection c, long jobId) throws SQLException {
        List<Chunk> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CHUNKS)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Chunk(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4), BatchHistory.time(rs.getTimestamp(5)),
                            BatchHistory.time(rs.getTimestamp(6))));
                }
            }
        }
        return out;
    }
}
