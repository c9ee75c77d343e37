package dev.pgbackfill.chunk;

import java.nio.charset.StandardCharsets;

/**
 * A request to work on one chunk, as carried by Kafka. It holds only ids: the range, cursor and lease live in
 * PostgreSQL, so a duplicate or stale request is harmless (its claim simply fails).
 */
public record ChunkRequest(long jobId, int chunkNo) {

    /** Record key: spreads one job's chunks over all partitions, so every worker of the group gets a share. */
    public String key() {
        return jobId + "/" + chunkNo;
    }

    public byte[] toBytes() {
        return (jobId + "/" + chunkNo).getBytes(StandardCharsets.UTF_8);
    }

    public static ChunkRequest fromBytes(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a chunk request: " + s);
        }
        return new ChunkRequest(Long.parseLong(s.substring(0, slash)), Integer.parseInt(s.substring(slash + 1)));
    }
}
