package dev.tursosync.r2dbc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link TursoConnectionFactory#create(TursoConnectionConfiguration)} opens: a database file, kept in sync with
 * a Turso sync server when {@link Builder#url(String)} is set, or used as a plain local database otherwise. Build
 * one with {@link #builder()}. {@link #toString()} never shows the auth token.
 */
public final class TursoConnectionConfiguration {

    private final Path path;
    private final @Nullable String url;
    private final @Nullable String authToken;
    private final @Nullable String clientName;
    private final Duration statementTimeout;
    private final int maxConnections;
    private final boolean autoSync;

    private TursoConnectionConfiguration(Builder builder) {
        this.path = Objects.requireNonNull(builder.path, "path");
        this.url = builder.url;
        this.authToken = builder.authToken;
        this.clientName = builder.clientName;
        this.statementTimeout = builder.statementTimeout;
        this.maxConnections = builder.maxConnections;
        this.autoSync = builder.autoSync;
    }

    /**
     * Starts a configuration.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the database file */
    public Path path() {
        return path;
    }

    /** @return the sync server URL, empty for a plain local database */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** @return the auth token for the sync server, if any */
    public Optional<String> authToken() {
        return Optional.ofNullable(authToken);
    }

    /** @return the client name reported to the sync server, if set */
    public Optional<String> clientName() {
        return Optional.ofNullable(clientName);
    }

    /** @return how long one statement step may run; zero for no limit */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** @return how many database threads ordinary (non-R2DBC) work of the client may use */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return whether the owned sync client runs background sync once opened (default {@code true}) */
    public boolean autoSync() {
        return autoSync;
    }

    @Override
    public String toString() {
        return "TursoConnectionConfiguration{path=" + path + ", url=" + url
                + ", authToken=" + (authToken == null ? "none" : "***") + ", clientName=" + clientName
                + ", statementTimeout=" + statementTimeout + ", maxConnections=" + maxConnections + ", autoSync=" + autoSync + "}";
    }

    /** Builds a {@link TursoConnectionConfiguration}. */
    public static final class Builder {
        private @Nullable Path path;
        private @Nullable String url;
        private @Nullable String authToken;
        private @Nullable String clientName;
        private Duration statementTimeout = Duration.ZERO;
        private int maxConnections = 4;
        private boolean autoSync = true;

        private Builder() {
        }

        /**
         * @param path the database file (required)
         * @return this builder
         */
        public Builder path(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * @param url the sync server, for example {@code http://localhost:8080}; leave unset for a local database
         * @return this builder
         */
        public Builder url(@Nullable String url) {
            this.url = url;
            return this;
        }

        /**
         * @param authToken the token sent to the sync server
         * @return this builder
         */
        public Builder authToken(@Nullable String authToken) {
            this.authToken = authToken;
            return this;
        }

        /**
         * @param clientName the client name reported to the sync server
         * @return this builder
         */
        public Builder clientName(@Nullable String clientName) {
            this.clientName = clientName;
            return this;
        }

        /**
         * @param timeout how long one statement step may run before SQLite is interrupted; zero for no limit
         * @return this builder
         */
        public Builder statementTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("statementTimeout must be zero or positive");
            }
            this.statementTimeout = timeout;
            return this;
        }

        /**
         * @param maxConnections database threads for the client's ordinary work (at least 1)
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * @param enabled whether the sync client the factory owns runs background sync
         *                ({@link dev.tursosync.SyncClient#autoSync()}, default timings) from its opening to its closing;
         *                default {@code true}. With {@code false} nothing syncs unless the application calls
         *                {@code sync()} on {@link TursoConnectionFactory#client()}.
         * @return this builder
         */
        public Builder autoSync(boolean enabled) {
            this.autoSync = enabled;
            return this;
        }

        /** @return the configuration */
        public TursoConnectionConfiguration build() {
            return new TursoConnectionConfiguration(this);
        }
    }
}
