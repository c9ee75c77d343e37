/**
 * <b>API.</b> pgbackfill inside Spring Batch: {@link dev.pgbackfill.springbatch.BackfillStep}, a step of the user's
 * own job that runs one pgbackfill job, built by {@link dev.pgbackfill.springbatch.BackfillStepBuilder} over
 * {@link dev.pgbackfill.client.BackfillOperations} (a {@code Coordinator} in this JVM, or one reached over REST).
 */
package dev.pgbackfill.springbatch;
