-- pgbackfill's control schema. PostgreSQL is the source of truth: jobs, chunks with their leases and checkpoints,
-- the event history and throttle settings all live here; Kafka only carries requests.

CREATE TABLE job (
    id               bigserial PRIMARY KEY,
    state            text        NOT NULL CHECK (state IN ('PLANNING', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    target_table     text        NOT NULL,
    spec             jsonb       NOT NULL,   -- as the operator gave it
    resolved         jsonb       NOT NULL,   -- checked against the catalog; workers build statements from it
    rows_estimated   bigint      NOT NULL DEFAULT 0,
    throttle         jsonb       NOT NULL DEFAULT '{}',   -- ThrottleSettings: rate, schedule, batch target, health thresholds
    health_reason    text,                                -- set by the coordinator while a health signal throttles the job
    throttle_reason  text,                                -- why the job is paused (who / which signal)
    last_error       text,
    verify_rounds    integer     NOT NULL DEFAULT 0,      -- times the final check reopened chunks (reset on resume)
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- A chunk is a key range (lo, hi] of one job; lo NULL = from the start, hi NULL = open-ended (covers inserts).
-- The lease token fences stale workers: every batch's checkpoint UPDATE requires the token it claimed with.
CREATE TABLE chunk (
    job_id           bigint      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    chunk_no         integer     NOT NULL,
    lo               jsonb,
    hi               jsonb,
    cursor           jsonb,
    state            text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'RUNNING', 'DONE', 'STUCK')),
    rows_done        bigint      NOT NULL DEFAULT 0,
    batches          bigint      NOT NULL DEFAULT 0,
    sweeps           integer     NOT NULL DEFAULT 0,
    stuck_rows       bigint      NOT NULL DEFAULT 0,
    stuck_keys       jsonb,
    skipped          boolean     NOT NULL DEFAULT false,  -- a SKIP LOCKED batch ran since the last sweep: sweep before DONE
    attempts         integer     NOT NULL DEFAULT 0,
    lease_token      uuid,
    lease_owner      text,
    lease_expires_at timestamptz,
    published_at     timestamptz,
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, chunk_no)
);
CREATE INDEX chunk_open ON chunk (job_id) WHERE state IN ('PENDING', 'RUNNING');

-- Who changed a job's state or throttle, when and why.
CREATE TABLE job_event (
    id         bigserial PRIMARY KEY,
    job_id     bigint      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind       text        NOT NULL DEFAULT 'state' CHECK (kind IN ('state', 'throttle', 'health')),
    from_state text,
    to_state   text        NOT NULL,
    actor      text        NOT NULL,
    reason     text
);
CREATE INDEX job_event_job ON job_event (job_id, at);

-- Progress samples (rows done over time) for rates, ETA and the rate chart.
CREATE TABLE job_sample (
    job_id    bigint      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    rows_done bigint      NOT NULL,
    PRIMARY KEY (job_id, at)
);

-- Cluster-wide settings, e.g. the global rows/s budget shared by all running jobs.
CREATE TABLE setting (
    name  text PRIMARY KEY,
    value jsonb NOT NULL
);

CREATE TABLE worker (
    id           text PRIMARY KEY,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    threads      integer     NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Users' schema migrations (Alembic semantics): applied revisions and the history of every up/down.
CREATE TABLE migration_version (
    revision   text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE migration_history (
    id         bigserial PRIMARY KEY,
    revision   text        NOT NULL,
    direction  text        NOT NULL CHECK (direction IN ('up', 'down')),
    phase      text,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text
);
