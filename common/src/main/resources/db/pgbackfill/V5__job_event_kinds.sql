-- Job events also record who holds a job's chunks and who runs its monitor: a chunk taken over after its worker's
-- lease expired ('lease'), and a coordinator that took over the monitor ('coordinator': a restart or a leader change).
ALTER TABLE job_event DROP CONSTRAINT IF EXISTS job_event_kind_check;
ALTER TABLE job_event ADD CONSTRAINT job_event_kind_check CHECK (kind IN ('state', 'throttle', 'health', 'lease', 'coordinator'));
