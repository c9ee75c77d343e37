/**
 * Internal. The REST API, its token auth and errors, and the dashboard's resources, on Spring Boot.
 */
@NullMarked
package dev.pgbackfill.coordinator.api;

import org.jspecify.annotations.NullMarked;
