-- Schema migrations with expand / backfill / contract phases. The V1 tables were never written by any release,
-- so they are replaced rather than altered.
DROP TABLE migration_version;
DROP TABLE migration_history;

-- One row per revision that has begun: the last phase it completed and, for the phase in progress, how many of its
-- steps are already done (a revision that cannot run in one transaction resumes after its last finished step).
-- scope keeps separate histories in one database (the demo's example set must not mix with an application's).
CREATE TABLE migration_version (
    scope         text        NOT NULL DEFAULT 'default',
    revision      text        NOT NULL,
    phase_done    text        CHECK (phase_done IN ('expand', 'backfill', 'contract')),
    steps_done    int         NOT NULL DEFAULT 0,
    down_steps_done int       NOT NULL DEFAULT 0,  -- steps of a downgrade in progress already done (a rerun resumes)
    backfill_jobs bigint[]    NOT NULL DEFAULT '{}',
    started_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, revision)
);

CREATE TABLE migration_history (
    id        bigserial PRIMARY KEY,
    scope     text        NOT NULL,
    revision  text        NOT NULL,
    direction text        NOT NULL CHECK (direction IN ('up', 'down')),
    phase     text,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text,
    detail    text
);
CREATE INDEX migration_history_scope_at ON migration_history (scope, at);
