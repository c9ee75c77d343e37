package dev.pgbackfill.spring.boot;

import dev.pgbackfill.chunk.ChunkTopic;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code pgbackfill.*}: what the starter runs inside the application, and where it connects. */
@ConfigurationProperties("pgbackfill")
public class PgbackfillProperties {
    /** Whether pgbackfill's auto-configuration applies at all. */
    private boolean enabled = true;

    /** A coordinator's REST API (http://coordinator:8080) for the client bean, when no coordinator runs in this application. */
    private String url;

    /** The operator token sent to that coordinator (Authorization: Bearer). */
    private String token;

    /** lock_timeout of every statement pgbackfill runs: a batch never queues behind the application's locks for longer. */
    private Duration lockTimeout = Duration.ofSeconds(2);

    /** statement_timeout of every statement pgbackfill runs. */
    private Duration statementTimeout = Duration.ofSeconds(30);

    private final Datasource datasource = new Datasource();
    private final Kafka kafka = new Kafka();
    private final Worker worker = new Worker();
    private final Coordinator coordinator = new Coordinator();
    private final BatchHistory batchHistory = new BatchHistory();

    /** pgbackfill's jobs as Spring Batch job instances and executions in the application's JobRepository. */
    public static class BatchHistory {
        /** Record them (needs pgbackfill-spring-batch and a JobRepository bean). */
        private boolean enabled;

        /** How often pgbackfill's tables are compared with the repository. */
        private Duration interval = Duration.ofSeconds(2);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    /**
     * The database pgbackfill's own pool connects to. Unset: the application's (its JdbcConnectionDetails, a Hikari
     * DataSource's settings, or spring.datasource.*). pgbackfill never borrows the application's pool: it sets its own
     * timeouts on every connection and must not starve the application of connections.
     */
    public static class Datasource {
        /** JDBC URL of the target database, e.g. jdbc:postgresql://db:5432/app. */
        private String url;

        /** Database user. */
        private String username;

        /** Database password. */
        private String password;

        /** Connections of pgbackfill's pool; 0: the worker's threads plus two, eight for the coordinator, two more. */
        private int poolSize;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }
    }

    /** The broker that carries chunk requests. Unset bootstrap servers: Spring Kafka's (spring.kafka.bootstrap-servers). */
    public static class Kafka {
        /** Bootstrap servers, e.g. kafka:9092. */
        private String bootstrapServers;

        /** The chunk request topic; every coordinator and worker of one cluster uses the same. */
        private String topic = ChunkTopic.DEFAULT_NAME;

        /** Partitions when the topic is created: more partitions allow more workers. */
        private int partitions = ChunkTopic.DEFAULT_PARTITIONS;

        /** The workers' consumer group. */
        private String group = ChunkTopic.DEFAULT_GROUP;

        public String getBootstrapServers() {
            return bootstrapServers;
        }

        public void setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public int getPartitions() {
            return partitions;
        }

        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }

        public String getGroup() {
            return group;
        }

        public void setGroup(String group) {
            this.group = group;
        }
    }

    /** A worker in this application: it takes chunks from Kafka and runs their batches. */
    public static class Worker {
        /** Run a worker in this application. */
        private boolean enabled;

        /** Chunks this worker runs at once. */
        private int threads = 2;

        /** How long a chunk's lease lasts without renewal; another worker takes the chunk over after it. */
        private Duration lease = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }
    }

    /** The coordinator in this application: it plans jobs, publishes chunks and watches them (no REST API or dashboard). */
    public static class Coordinator {
        /** Run the coordinator in this application; the client bean is then this coordinator. */
        private boolean enabled;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getToken() {
        return token;
    }

    public void setToken(String token) {
        this.token = token;
    }

    public Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public Duration getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    public Datasource getDatasource() {
        return datasource;
    }

    public Kafka getKafka() {
        return kafka;
    }

    public Worker getWorker() {
        return worker;
    }

    public Coordinator getCoordinator() {
        return coordinator;
    }

    public BatchHistory getBatchHistory() {
        return batchHistory;
    }
}
