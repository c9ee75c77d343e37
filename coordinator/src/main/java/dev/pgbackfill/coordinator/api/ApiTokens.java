package dev.pgbackfill.coordinator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * The API tokens and their roles. Tokens are kept only as SHA-256 digests and compared with
 * {@link MessageDigest#isEqual} (constant time), so neither timing nor a heap dump of this object reveals them.
 */
public final class ApiTokens {
    public enum Role { VIEWER, OPERATOR }

    private record Entry(byte[] digest, Role role) {
    }

    private final List<Entry> entries;

    public ApiTokens(List<String> operatorTokens, List<String> viewerTokens) {
        this.entries = java.util.stream.Stream.concat(
                operatorTokens.stream().filter(t -> t != null && !t.isBlank()).map(t -> new Entry(digest(t), Role.OPERATOR)),
                viewerTokens.stream().filter(t -> t != null && !t.isBlank()).map(t -> new Entry(digest(t), Role.VIEWER))).toList();
    }

    /** These tokens plus others (e.g. from application.yml). */
    public ApiTokens with(List<String> operatorTokens, List<String> viewerTokens) {
        ApiTokens more = new ApiTokens(operatorTokens, viewerTokens);
        return new ApiTokens(java.util.stream.Stream.concat(entries.stream(), more.entries.stream()).toList());
    }

    private ApiTokens(List<Entry> entries) {
        this.entries = entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The role of a presented token; checks every entry so the time taken does not depend on which one matches. */
    public Optional<Role> roleOf(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] d = digest(presented);
        Role found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(d, e.digest) && (found == null || e.role == Role.OPERATOR)) {
                found = e.role;
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
