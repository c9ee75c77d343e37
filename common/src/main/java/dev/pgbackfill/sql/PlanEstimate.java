package dev.pgbackfill.sql;

import dev.pgbackfill.job.Json;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The planner's row estimate, read from the result of an {@code EXPLAIN (FORMAT JSON)}: no row of the table is read. */
public final class PlanEstimate {
    private PlanEstimate() {
    }

    /** The top plan node's "Plan Rows" of the EXPLAIN whose result this is (its first row is read). */
    public static long rows(ResultSet explained) throws SQLException {
        explained.next();
        return Json.MAPPER.readTree(explained.getString(1)).get(0).get("Plan").get("Plan Rows").asLong();
    }
}
