/** <b>API.</b> The coordinator's REST API from Java: {@link dev.pgbackfill.client.CoordinatorClient}. */
package dev.pgbackfill.client;
