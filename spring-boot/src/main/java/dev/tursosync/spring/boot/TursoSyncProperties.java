package dev.tursosync.spring.boot;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tursosync.*} properties: the replica, its remote, how it syncs in the background and when its health
 * turns DOWN. Each setter checks its value with the client's own builders, so an invalid value fails startup with a
 * binding error that names the property. The defaults are the client's.
 */
@ConfigurationProperties("tursosync")
public class TursoSyncProperties {

    /** The local replica's database file. */
    private Path path;

    /** The remote: http(s):// or libsql://. Setting it turns the starter on. */
    private String url;

    /** The remote's auth token (never logged). */
    private String authToken;

    /** The key of an encrypted remote database, base64 (never logged). */
    private String encryptionKey;

    /** The prefix of this replica's client id: letters, digits, '.', '_' or '-'. */
    private String clientName = "tursosync-java";

    /** How long the server may hold a pull open until something changes; 0 for no long poll. */
    private Duration longPollTimeout = Duration.ZERO;

    /** Whether startup bootstraps a missing replica from the remote. */
    private boolean bootstrapIfEmpty = true;

    /** How long startup waits for the replica to open (a first start downloads the database). */
    private Duration openTimeout = Duration.ofMinutes(2);

    /** How many local changes one push batch (one remote transaction) aims for. */
    private int pushBatchSize = 1000;

    /** The WAL size in bytes above which a checkpoint runs by itself (64 MiB); 0 turns it off. */
    private long autoCheckpointWalBytes = 67_108_864L;

    /** Time allowed to connect to the remote. */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /** Time allowed for the remote to start answering, and between two reads of a reply. */
    private Duration responseTimeout = Duration.ofSeconds(30);

    /** How many database connections (and database threads) the client uses at most. */
    private int maxConnections = 4;

    /** Above this share of a table's pages changed in one pull, the table gets one RESET event. */
    private double resetShare = 0.5;

    /** How many bytes of pulled pages a pull keeps in memory before it stages them in a file (8 MiB). */
    private long pullMemoryBytes = 8_388_608L;

    private final Retry retry = new Retry();

    private final AutoSync autoSync = new AutoSync();

    private final Health health = new Health();

    /**
     * Creates the properties with the defaults.
     */
    public TursoSyncProperties() {
    }

    /**
     * A client builder with every setting of these properties.
     *
     * @return the builder, not built yet
     */
    public SyncClient.Builder clientBuilder() {
        SyncClient.Builder builder = SyncClient.builder()
                .path(required(path, "tursosync.path"))
                .url(required(url, "tursosync.url"))
                .clientName(clientName)
                .longPollTimeout(longPollTimeout)
                .bootstrapIfEmpty(bootstrapIfEmpty)
                .pushBatchSize(pushBatchSize)
                .autoCheckpointWalBytes(autoCheckpointWalBytes)
                .connectTimeout(connectTimeout)
                .responseTimeout(responseTimeout)
                .maxConnections(maxConnections)
                .resetShare(resetShare)
                .pullMemoryBytes(pullMemoryBytes)
                .retry(retry.options());
        if (authToken != null && !authToken.isBlank()) {
            builder.authToken(authToken);
        }
        if (encryptionKey != null && !encryptionKey.isBlank()) {
            builder.encryptionKey(encryptionKey);
        }
        return builder;
    }

    private static <T> T required(T value, String property) {
        if (value == null) {
            throw new IllegalStateException(property + " is required");
        }
        return value;
    }

    /** Checks a value with the client's own builder, which throws on an invalid one. */
    private static <T> T checked(T value, Consumer<T> check) {
        check.accept(value);
        return value;
    }

    private static Duration positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return value;
    }

    /**
     * The replica's database file.
     *
     * @return the path, or {@code null} if not set
     */
    public Path getPath() {
        return path;
    }

    /**
     * Sets the replica's database file.
     *
     * @param path the file
     */
    public void setPath(Path path) {
        this.path = path;
    }

    /**
     * The remote URL.
     *
     * @return the URL, or {@code null} if not set
     */
    public String getUrl() {
        return url;
    }

    /**
     * Sets the remote URL.
     *
     * @param url http(s):// or libsql://
     */
    public void setUrl(String url) {
        this.url = url;
    }

    /**
     * The auth token.
     *
     * @return the token, or {@code null}
     */
    public String getAuthToken() {
        return authToken;
    }

    /**
     * Sets the auth token.
     *
     * @param authToken the token; blank for none
     */
    public void setAuthToken(String authToken) {
        this.authToken = authToken;
    }

    /**
     * The remote encryption key.
     *
     * @return the key, or {@code null}
     */
    public String getEncryptionKey() {
        return encryptionKey;
    }

    /**
     * Sets the remote encryption key.
     *
     * @param encryptionKey the key, base64; blank for none
     */
    public void setEncryptionKey(String encryptionKey) {
        this.encryptionKey = encryptionKey;
    }

    /**
     * The client id prefix.
     *
     * @return the name
     */
    public String getClientName() {
        return clientName;
    }

    /**
     * Sets the client id prefix.
     *
     * @param clientName 1 to 64 letters, digits, '.', '_' or '-'
     */
    public void setClientName(String clientName) {
        this.clientName = checked(clientName, value -> SyncClient.builder().clientName(value));
    }

    /**
     * The long-poll timeout of pulls.
     *
     * @return the timeout, zero for none
     */
    public Duration getLongPollTimeout() {
        return longPollTimeout;
    }

    /**
     * Sets the long-poll timeout of pulls.
     *
     * @param longPollTimeout zero or positive
     */
    public void setLongPollTimeout(Duration longPollTimeout) {
        this.longPollTimeout = checked(longPollTimeout, value -> SyncClient.builder().longPollTimeout(value));
    }

    /**
     * Whether startup bootstraps a missing replica.
     *
     * @return the flag
     */
    public boolean isBootstrapIfEmpty() {
        return bootstrapIfEmpty;
    }

    /**
     * Sets whether startup bootstraps a missing replica.
     *
     * @param bootstrapIfEmpty the flag
     */
    public void setBootstrapIfEmpty(boolean bootstrapIfEmpty) {
        this.bootstrapIfEmpty = bootstrapIfEmpty;
    }

    /**
     * How long startup waits for the replica to open.
     *
     * @return the timeout
     */
    public Duration getOpenTimeout() {
        return openTimeout;
    }

    /**
     * Sets how long startup waits for the replica to open.
     *
     * @param openTimeout a positive duration
     */
    public void setOpenTimeout(Duration openTimeout) {
        this.openTimeout = positive(openTimeout, "openTimeout");
    }

    /**
     * The push batch size.
     *
     * @return the changes per batch
     */
    public int getPushBatchSize() {
        return pushBatchSize;
    }

    /**
     * Sets the push batch size.
     *
     * @param pushBatchSize at least 1
     */
    public void setPushBatchSize(int pushBatchSize) {
        this.pushBatchSize = checked(pushBatchSize, value -> SyncClient.builder().pushBatchSize(value));
    }

    /**
     * The WAL size that triggers a checkpoint.
     *
     * @return bytes, 0 for never
     */
    public long getAutoCheckpointWalBytes() {
        return autoCheckpointWalBytes;
    }

    /**
     * Sets the WAL size that triggers a checkpoint.
     *
     * @param autoCheckpointWalBytes 0 or more
     */
    public void setAutoCheckpointWalBytes(long autoCheckpointWalBytes) {
        this.autoCheckpointWalBytes = checked(autoCheckpointWalBytes,
                value -> SyncClient.builder().autoCheckpointWalBytes(value));
    }

    /**
     * The connect timeout.
     *
     * @return the timeout
     */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connectTimeout a positive duration
     */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
    }

    /**
     * The response timeout.
     *
     * @return the timeout
     */
    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    /**
     * Sets the response timeout.
     *
     * @param responseTimeout a positive duration
     */
    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = positive(responseTimeout, "responseTimeout");
    }

    /**
     * The connection limit.
     *
     * @return at least 1
     */
    public int getMaxConnections() {
        return maxConnections;
    }

    /**
     * Sets the connection limit.
     *
     * @param maxConnections at least 1
     */
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = checked(maxConnections, value -> SyncClient.builder().maxConnections(value));
    }

    /**
     * The share of changed pages above which a table is reset.
     *
     * @return between 0 and 1
     */
    public double getResetShare() {
        return resetShare;
    }

    /**
     * Sets the share of changed pages above which a table is reset.
     *
     * @param resetShare between 0 and 1
     */
    public void setResetShare(double resetShare) {
        this.resetShare = checked(resetShare, value -> SyncClient.builder().resetShare(value));
    }

    /**
     * The bytes of pulled pages kept in memory.
     *
     * @return 0 or more
     */
    public long getPullMemoryBytes() {
        return pullMemoryBytes;
    }

    /**
     * Sets the bytes of pulled pages kept in memory.
     *
     * @param pullMemoryBytes 0 or more
     */
    public void setPullMemoryBytes(long pullMemoryBytes) {
        this.pullMemoryBytes = checked(pullMemoryBytes, value -> SyncClient.builder().pullMemoryBytes(value));
    }

    /**
     * How operations retry transient failures.
     *
     * @return the retry properties
     */
    public Retry getRetry() {
        return retry;
    }

    /**
     * Background sync.
     *
     * @return the background sync properties
     */
    public AutoSync getAutoSync() {
        return autoSync;
    }

    /**
     * The health indicator.
     *
     * @return the health properties
     */
    public Health getHealth() {
        return health;
    }

    /** {@code tursosync.retry.*}: how pulls, pushes and the bootstrap retry transient network failures. */
    public static class Retry {

        /** How many times an operation is tried again after its first attempt. */
        private int maxRetries = 3;

        /** The delay before the first retry. */
        private Duration firstBackoff = Duration.ofMillis(250);

        /** The longest delay between two attempts. */
        private Duration maxBackoff = Duration.ofSeconds(5);

        /** The share of each delay by which it is moved at random, up or down. */
        private double jitter = 0.5;

        /** Creates the defaults. */
        public Retry() {
        }

        /**
         * The client's retry options.
         *
         * @return the options
         * @throws IllegalArgumentException if max-backoff is shorter than first-backoff
         */
        public RetryOptions options() {
            return RetryOptions.builder().maxRetries(maxRetries).firstBackoff(firstBackoff).maxBackoff(maxBackoff)
                    .jitter(jitter).build();
        }

        /**
         * The retry count.
         *
         * @return 0 or more
         */
        public int getMaxRetries() {
            return maxRetries;
        }

        /**
         * Sets the retry count.
         *
         * @param maxRetries 0 or more
         */
        public void setMaxRetries(int maxRetries) {
            this.maxRetries = checked(maxRetries, value -> RetryOptions.builder().maxRetries(value));
        }

        /**
         * The first delay.
         *
         * @return a positive duration
         */
        public Duration getFirstBackoff() {
            return firstBackoff;
        }

        /**
         * Sets the first delay.
         *
         * @param firstBackoff a positive duration
         */
        public void setFirstBackoff(Duration firstBackoff) {
            this.firstBackoff = checked(firstBackoff, value -> RetryOptions.builder().firstBackoff(value));
        }

        /**
         * The longest delay.
         *
         * @return a positive duration
         */
        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        /**
         * Sets the longest delay.
         *
         * @param maxBackoff a positive duration
         */
        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = checked(maxBackoff, value -> RetryOptions.builder().maxBackoff(value));
        }

        /**
         * The jitter share.
         *
         * @return between 0 and 1
         */
        public double getJitter() {
            return jitter;
        }

        /**
         * Sets the jitter share.
         *
         * @param jitter between 0 and 1
         */
        public void setJitter(double jitter) {
            this.jitter = checked(jitter, value -> RetryOptions.builder().jitter(value));
        }
    }

    /** {@code tursosync.auto-sync.*}: background sync while the application runs. */
    public static class AutoSync {

        /** Whether background sync runs while the application context runs. */
        private boolean enabled = true;

        /** The shortest time between the starts of two pulls. */
        private Duration pullInterval = Duration.ofSeconds(1);

        /** How long after a local commit the push that carries it starts; commits made in between join that push. */
        private Duration pushDebounce = Duration.ofMillis(250);

        /** The wait after the first failure of background sync. */
        private Duration firstBackoff = Duration.ofSeconds(1);

        /** The longest wait after failures of background sync. */
        private Duration maxBackoff = Duration.ofSeconds(60);

        /** The share by which each wait is moved at random, up or down. */
        private double jitter = 0.5;

        /** Whether background sync pulls. */
        private boolean pull = true;

        /** Whether background sync pushes. */
        private boolean push = true;

        /** Creates the defaults. */
        public AutoSync() {
        }

        /**
         * The client's background sync options.
         *
         * @return the options
         * @throws IllegalArgumentException if max-backoff is shorter than first-backoff
         */
        public AutoSyncOptions options() {
            return AutoSyncOptions.builder().pullInterval(pullInterval).pushDebounce(pushDebounce)
                    .firstBackoff(firstBackoff).maxBackoff(maxBackoff).jitter(jitter).pull(pull).push(push).build();
        }

        /**
         * Whether background sync runs.
         *
         * @return the flag
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether background sync runs.
         *
         * @param enabled the flag
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The pull interval.
         *
         * @return a positive duration
         */
        public Duration getPullInterval() {
            return pullInterval;
        }

        /**
         * Sets the pull interval.
         *
         * @param pullInterval a positive duration
         */
        public void setPullInterval(Duration pullInterval) {
            this.pullInterval = checked(pullInterval, value -> AutoSyncOptions.builder().pullInterval(value));
        }

        /**
         * The push debounce.
         *
         * @return zero or more
         */
        public Duration getPushDebounce() {
            return pushDebounce;
        }

        /**
         * Sets the push debounce.
         *
         * @param pushDebounce zero or more
         */
        public void setPushDebounce(Duration pushDebounce) {
            this.pushDebounce = checked(pushDebounce, value -> AutoSyncOptions.builder().pushDebounce(value));
        }

        /**
         * The first wait after a failure.
         *
         * @return a positive duration
         */
        public Duration getFirstBackoff() {
            return firstBackoff;
        }

        /**
         * Sets the first wait after a failure.
         *
         * @param firstBackoff a positive duration
         */
        public void setFirstBackoff(Duration firstBackoff) {
            this.firstBackoff = checked(firstBackoff, value -> AutoSyncOptions.builder().firstBackoff(value));
        }

        /**
         * The longest wait after failures.
         *
         * @return a positive duration
         */
        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        /**
         * Sets the longest wait after failures.
         *
         * @param maxBackoff a positive duration
         */
        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = checked(maxBackoff, value -> AutoSyncOptions.builder().maxBackoff(value));
        }

        /**
         * The jitter share.
         *
         * @return between 0 and 1
         */
        public double getJitter() {
            return jitter;
        }

        /**
         * Sets the jitter share.
         *
         * @param jitter between 0 and 1
         */
        public void setJitter(double jitter) {
            this.jitter = checked(jitter, value -> AutoSyncOptions.builder().jitter(value));
        }

        /**
         * Whether background sync pulls.
         *
         * @return the flag
         */
        public boolean isPull() {
            return pull;
        }

        /**
         * Sets whether background sync pulls.
         *
         * @param pull the flag
         */
        public void setPull(boolean pull) {
            this.pull = pull;
        }

        /**
         * Whether background sync pushes.
         *
         * @return the flag
         */
        public boolean isPush() {
            return push;
        }

        /**
         * Sets whether background sync pushes.
         *
         * @param push the flag
         */
        public void setPush(boolean push) {
            this.push = push;
        }
    }

    /** {@code tursosync.health.*}: when the {@code tursoSync} health indicator turns DOWN. */
    public static class Health {

        /** How long sync may keep failing (transient errors) before the health turns DOWN. */
        private Duration maxFailureDuration = Duration.ofMinutes(1);

        /** Creates the defaults. */
        public Health() {
        }

        /**
         * How long sync may fail before DOWN.
         *
         * @return zero or more
         */
        public Duration getMaxFailureDuration() {
            return maxFailureDuration;
        }

        /**
         * Sets how long sync may fail before DOWN.
         *
         * @param maxFailureDuration zero or more
         */
        public void setMaxFailureDuration(Duration maxFailureDuration) {
            if (maxFailureDuration == null || maxFailureDuration.isNegative()) {
                throw new IllegalArgumentException("maxFailureDuration must not be negative");
            }
            this.maxFailureDuration = maxFailureDuration;
        }
    }
}
