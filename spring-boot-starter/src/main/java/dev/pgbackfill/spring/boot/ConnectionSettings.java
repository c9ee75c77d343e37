package dev.pgbackfill.spring.boot;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.error.InvalidInputException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Where pgbackfill connects when its own {@code pgbackfill.*} settings are unset: the application's database and
 * broker, in the order Spring Boot itself resolves them (connection details beans first, so Testcontainers'
 * {@code @ServiceConnection} works, then the application's Hikari DataSource, then {@code spring.*} properties).
 * Refuses with the property to set when nothing says where. With Spring Kafka's auto-configuration active, its
 * connection details always answer (its default is localhost:9092), as for every Kafka client of the application.
 */
final class ConnectionSettings {
    private static final String JDBC_DETAILS = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";
    private static final String KAFKA_DETAILS = "org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails";

    /** A database to connect to; user and password may be null (the URL may carry them). */
    record Database(String url, String username, String password) {
    }

    private ConnectionSettings() {
    }

    static Database database(PgbackfillProperties.Datasource own, BeanFactory beans, Environment env) {
        if (own.getUrl() != null && !own.getUrl().isBlank()) {
            return new Database(own.getUrl(), own.getUsername(), own.getPassword());
        }
        if (ClassUtils.isPresent(JDBC_DETAILS, classLoader(beans))) {
            Database fromDetails = JdbcDetails.read(beans);
            if (fromDetails != null) {
                return fromDetails;
            }
        }
        if (beans.getBeanProvider(DataSource.class).getIfUnique() instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            return new Database(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
        }
        String url = env.getProperty("spring.datasource.url");
        if (url != null && !url.isBlank()) {
            return new Database(url, env.getProperty("spring.datasource.username"), env.getProperty("spring.datasource.password"));
        }
        throw new InvalidInputException("pgbackfill.datasource.url", "pgbackfill's worker or coordinator is enabled but no database is "
                + "configured: set spring.datasource.url (the application's) or pgbackfill.datasource.url");
    }

    static String kafka(PgbackfillProperties.Kafka own, BeanFactory beans, Environment env) {
        if (own.getBootstrapServers() != null && !own.getBootstrapServers().isBlank()) {
            return own.getBootstrapServers();
        }
        if (ClassUtils.isPresent(KAFKA_DETAILS, classLoader(beans))) {
            List<String> servers = KafkaDetails.read(beans);
            if (servers != null && !servers.isEmpty()) {
                return String.join(",", servers);
            }
        }
        String servers = env.getProperty("spring.kafka.bootstrap-servers");
        if (servers != null && !servers.isBlank()) {
            return servers;
        }
        throw new InvalidInputException("pgbackfill.kafka.bootstrap-servers", "pgbackfill's worker or coordinator is enabled but no Kafka is "
                + "configured: set spring.kafka.bootstrap-servers (the application's) or pgbackfill.kafka.bootstrap-servers");
    }

    /** The application's class loader: what it can see decides, not what this jar was loaded with. */
    private static ClassLoader classLoader(BeanFactory beans) {
        ClassLoader loader = beans instanceof ConfigurableBeanFactory f ? f.getBeanClassLoader() : null;
        return loader != null ? loader : ConnectionSettings.class.getClassLoader();
    }

    /** Loaded only when spring-boot-jdbc is on the classpath. */
    private static final class JdbcDetails {
        static Database read(BeanFactory beans) {
            var details = beans.getBeanProvider(org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails.class).getIfUnique();
            return details == null || details.getJdbcUrl() == null ? null
                    : new Database(details.getJdbcUrl(), details.getUsername(), details.getPassword());
        }
    }

    /** Loaded only when spring-boot-kafka is on the classpath. */
    private static final class KafkaDetails {
        static List<String> read(BeanFactory beans) {
            var details = beans.getBeanProvider(org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails.class).getIfUnique();
            return details == null ? null : details.getBootstrapServers();
        }
    }
}
