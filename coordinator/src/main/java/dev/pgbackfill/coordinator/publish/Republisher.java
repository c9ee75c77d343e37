package dev.pgbackfill.coordinator.publish;

import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.error.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the requests a job's chunks need: chunks never published, whose lease expired, or left unclaimed
 * longer than {@code republishAfter}. A request Kafka did not acknowledge stays due and goes out at the next call.
 */
public final class Republisher {
    private static final Logger log = LoggerFactory.getLogger(Republisher.class);

    private final DataSource dataSource;
    private final ChunkStore chunks;
    private final ChunkPublisher publisher;
    private final Duration republishAfter;

    public Republisher(DataSource dataSource, ChunkStore chunks, ChunkPublisher publisher, Duration republishAfter) {
        this.dataSource = dataSource;
        this.chunks = chunks;
        this.publisher = publisher;
        this.republishAfter = republishAfter;
    }

    public void publishDue(long jobId) {
        try (Connection c = dataSource.getConnection()) {
            List<Integer> due = chunks.due(c, jobId, republishAfter);
            if (due.isEmpty()) {
                return;
            }
            List<ChunkRequest> acked = publisher.publish(due.stream().map(no -> new ChunkRequest(jobId, no)).toList());
            chunks.markPublished(c, jobId, acked.stream().map(ChunkRequest::chunkNo).toList());
            if (acked.size() < due.size()) {
                log.warn("job {}: {} of {} chunk request(s) not acknowledged by Kafka; will retry", jobId, due.size() - acked.size(), due.size());
            }
        } catch (SQLException e) {
            throw DatabaseException.wrap("publishing chunks of job " + jobId, e);
        }
    }
}
