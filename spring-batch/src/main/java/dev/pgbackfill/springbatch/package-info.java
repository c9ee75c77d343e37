/**
 * <b>API.</b> pgbackfill inside Spring Batch: {@link dev.pgbackfill.springbatch.BackfillStep}, a step of the user's
 * own job that runs one pgbackfill job, built by {@link dev.pgbackfill.springbatch.BackfillStepBuilder} over
 * {@link dev.pgbackfill.springbatch.Backfills}.
 */
package dev.pgbackfill.springbatch;
