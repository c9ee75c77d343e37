-- One clock per rate that workers share (a job's rate, the global budget): the theoretical arrival time of the
-- next row under that rate (GCRA). Every throttled batch moves its clocks forward by rows / rate and waits for them,
-- so the rate holds across workers and processes however chunks start and end.
CREATE TABLE pgbackfill.rate_clock (
    scope text PRIMARY KEY,
    tat   timestamptz NOT NULL
);
