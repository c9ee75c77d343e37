package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.bench.BenchTable;
import dev.pgbackfill.db.ControlSchema;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The operator-path sections of the bench (issue 19): {@link BenchClient}, {@link BenchServices}, {@link BenchMemory}. */
final class BenchOperator {
    private final BenchCommand bench;

    BenchOperator(BenchCommand bench) {
        this.bench = bench;
    }

    /** The operator-path sections asked for (cli, startup, memory), by name. */
    Map<String, Object> measure(BenchTable table, DataSource ds, PrintStream err) throws Exception {
        Map<String, Object> sections = new LinkedHashMap<>();
        if (java.util.Collections.disjoint(bench.methods, java.util.List.of("cli", "startup", "memory"))) {
            return sections;
        }
        ControlSchema.install(ds);
        if (bench.methods.contains("cli")) {
            sections.put("cli", new BenchClient(bench).measure(ds, err));
        }
        if (!bench.methods.contains("startup") && !bench.methods.contains("memory")) {
            return sections;
        }
        LocalServices.Service own = bench.kafka.given() ? null : LocalServices.require("--kafka").kafka(0, bench.kafka.partitions);
        String broker = own == null ? bench.kafka.bootstrap : own.address();
        try {
            if (bench.methods.contains("startup")) {
                sections.put("startup", new BenchServices(bench, broker).measure(table, err));
            }
            if (bench.methods.contains("memory")) {
                sections.put("memory", new BenchMemory(bench, broker).measure(table, err));
            }
        } finally {
            if (own != null) {
                own.close();
            }
        }
        return sections;
    }

    /** The environment that gives a pgbackfill process this pool's database. */
    static Map<String, String> dbEnv(HikariDataSource ds) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGBACKFILL_DB_URL", ds.getJdbcUrl());
        if (ds.getUsername() != null) {
            env.put("PGBACKFILL_DB_USER", ds.getUsername());
        }
        if (ds.getPassword() != null) {
            env.put("PGBACKFILL_DB_PASSWORD", ds.getPassword());
        }
        return env;
    }
}
