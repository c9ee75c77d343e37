package dev.pgbackfill.migrate.step;

/** How a SQL step is wrapped when it runs. */
public enum Tx {
    /** Shares one transaction with the neighbouring GROUP steps of its phase (all or nothing). */
    GROUP,
    /** Commits on its own, so that a long scan (VALIDATE) does not hold the stronger locks of its neighbours. */
    OWN,
    /** Runs outside any transaction block (CONCURRENTLY), or because its revision is not transactional. */
    NONE
}
