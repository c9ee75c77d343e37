package dev.pgbackfill.error;

public class JobNotFoundException extends InvalidInputException {
    public JobNotFoundException(long id) {
        super("job", "job " + id + " not found; `pgbackfill status` lists the jobs");
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.JOB_NOT_FOUND;
    }
}
