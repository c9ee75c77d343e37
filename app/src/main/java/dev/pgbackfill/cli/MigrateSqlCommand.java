package dev.pgbackfill.cli;

import dev.pgbackfill.migrate.offline.OfflineSql;
import dev.pgbackfill.migrate.run.MigrateSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Print the SQL that migrate up/down would run, without a database (like alembic upgrade --sql).",
        footer = {"%nExamples:%n  pgbackfill migrate sql head --migrations db/migrations          # base → head",
                "  pgbackfill migrate sql 004:head --examples",
                "  pgbackfill migrate sql head:base --examples                  # the downgrade"})
public final class MigrateSqlCommand implements Callable<Integer> {
    @Parameters(paramLabel = "[FROM:]TO", description = "Targets as migrate up/down take them (ids, prefixes, labels, head, heads, base); FROM defaults to base.")
    String range;

    @Option(names = "--allow-destructive", description = "Show dropTable as DROP TABLE instead of a rename to a backup.")
    boolean allowDestructive;

    @Option(names = "--lock-timeout-ms", defaultValue = "2000", description = "lock_timeout written at the top (default ${DEFAULT-VALUE}).")
    long lockTimeoutMs;

    @Mixin
    MigrationSources sources;

    @Override
    public Integer call() {
        MigrateSettings settings = MigrateSettings.defaults().withScope(sources.scope).withAllowDestructive(allowDestructive)
                .withLockTimeout(Duration.ofMillis(lockTimeoutMs), 0, Duration.ofSeconds(1));
        System.out.print(OfflineSql.render(sources.graph(), range, settings));
        return 0;
    }
}
