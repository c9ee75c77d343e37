package dev.pgbackfill.job;

import java.util.Set;

/** {@code PLANNING → RUNNING ⇄ PAUSED → SUCCEEDED | FAILED | CANCELLED}. */
public enum JobState {
    PLANNING, RUNNING, PAUSED, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The states from which a job may move to this one. */
    public Set<JobState> allowedFrom() {
        return switch (this) {
            case PLANNING -> Set.of();
            case RUNNING -> Set.of(PLANNING, PAUSED, FAILED);
            case PAUSED -> Set.of(RUNNING);
            case SUCCEEDED -> Set.of(RUNNING);
            case FAILED -> Set.of(PLANNING, RUNNING, PAUSED);
            case CANCELLED -> Set.of(PLANNING, RUNNING, PAUSED);
        };
    }
}
