-- rows_done counts each row once: the rows a chunk's passes and sweeps changed before it was first done. Rows changed
-- after the job's final check reopened a finished chunk (inserted behind the cursor, or changed back by the
-- application) are counted apart in rows_reswept, so a job never reports more rows done than the rows it changed.
ALTER TABLE chunk ADD COLUMN reopened boolean NOT NULL DEFAULT false;
ALTER TABLE chunk ADD COLUMN rows_reswept bigint NOT NULL DEFAULT 0;

-- What launch found about the table (JobPlan: its triggers, its partitions, the role it connected as), for the status.
ALTER TABLE job ADD COLUMN plan jsonb NOT NULL DEFAULT '{}';

-- A chunk of a partitioned table walks one leaf partition (QualifiedName as JSON), so each of its batches touches one
-- partition; NULL: the job's table itself.
ALTER TABLE chunk ADD COLUMN partition jsonb;

-- 'split': the coordinator cut a running chunk's remaining range so an idle worker thread takes a piece.
ALTER TABLE job_event DROP CONSTRAINT IF EXISTS job_event_kind_check;
ALTER TABLE job_event ADD CONSTRAINT job_event_kind_check
    CHECK (kind IN ('state', 'throttle', 'health', 'lease', 'coordinator', 'split'));
