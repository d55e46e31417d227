package dev.tursosync;

import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.client.SyncClientOptions;
import dev.tursosync.internal.push.ReplayStatements;
import dev.tursosync.spi.LocalDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A local SQLite database kept in sync with a remote Turso database.
 *
 * <pre>{@code
 * SyncClient client = SyncClient.builder()
 *     .path(Path.of("app.db"))
 *     .url("http://127.0.0.1:8080")
 *     .clientName("orders-service")
 *     .build();
 * client.open()
 *     .thenMany(client.pullChanges())
 *     .subscribe(event -> System.out.println(event));
 * }</pre>
 *
 * <p>Every method is lazy: nothing happens until the returned publisher is subscribed, and each subscription does
 * the work again. Blocking file and database work runs on the client's own threads, never on the subscriber's.
 */
public interface SyncClient {

    /**
     * Starts a configuration.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the client: bootstraps an empty local database from the remote, or resumes an existing replica from its
     * metadata (finishing a pull that a crash interrupted).
     *
     * @return completes when the database is ready
     */
    Mono<Void> open();

    /**
     * Pulls the remote changes now and applies them. Events are emitted once the new state is durable, and also
     * published on {@link #changes()}. Pulls and pushes never overlap: a second subscription waits for the first.
     * Events describe the remote changes since the last pull, including this client's own pushed changes coming
     * back.
     *
     * <p>Local changes that were not pushed yet are rebased: the remote pages go on top of the synced state and the
     * pending changes are replayed after them (through {@link Builder#transform}), in one step that a crash at any
     * point either completes or undoes on the next open. The replayed changes stay pending and emit no events. If a
     * change cannot be replayed the pull fails with {@link ReplayFailedException} and nothing changes locally.
     *
     * @return the changes, possibly none
     */
    Flux<ChangeEvent> pullChanges();

    /**
     * Pushes the local changes captured since the last push, exactly once: in batches of whole local transactions,
     * each one remote transaction that also records this client's position in {@code turso_sync_last_change_id}
     * (the official clients' table). If a change is rejected, nothing of its batch is committed and the push fails
     * with {@link PushRejectedException}; earlier batches stay pushed. After a network failure, calling again is
     * safe: the push re-reads the remote position first.
     *
     * @return what was pushed
     */
    Mono<PushResult> push();

    /**
     * Folds the WAL into the database file while keeping the synced state recoverable for the next pull: the synced
     * version of each page the checkpoint overwrites is saved first in the revert store {@code <db>-revert}, which
     * holds each page once, so it stays about as large as the pages written locally since the last pull. Runs with
     * every connection closed, like a pull; new work waits for it. An automatic checkpoint runs when the WAL passes
     * {@link Builder#autoCheckpointWalBytes(long)}.
     *
     * @return completes when the WAL is empty
     */
    Mono<Void> checkpoint();

    /**
     * Pushes, then pulls (emitting the pull's change events on {@link #changes()} too).
     *
     * @return what both did
     */
    Mono<SyncResult> sync();

    /**
     * Starts background sync: pushes soon after local commits, pulls continuously, checkpoints when the WAL is large
     * and backs off on errors, as {@link AutoSyncOptions} describes. Change events arrive on {@link #changes()}, and
     * what the background sync is doing on {@link #status()}. Runs until the returned handle is disposed or the
     * client closes; disposing it cancels what is running, which leaves the replica consistent (an apply that
     * started finishes). Starting it twice runs two loops that take turns; dispose the first one first.
     *
     * @param options the timings
     * @return the handle that stops it
     * @throws SyncClosedException if the client is not open
     */
    Disposable autoSync(AutoSyncOptions options);

    /**
     * Starts background sync with {@linkplain AutoSyncOptions#defaults() the defaults}.
     *
     * @return the handle that stops it
     * @throws SyncClosedException if the client is not open
     * @see #autoSync(AutoSyncOptions)
     */
    default Disposable autoSync() {
        return autoSync(AutoSyncOptions.defaults());
    }

    /**
     * What the client is doing, as a hot stream that replays the latest status to each new subscriber: idle,
     * pulling, pushing, checkpointing, or backing off after an error (with the error and the time of the next
     * attempt), and when the last pull and push succeeded. Covers the operations called by the application and
     * those of {@link #autoSync(AutoSyncOptions)}. Completes when the client closes.
     *
     * @return the statuses, the latest first
     */
    Flux<SyncStatus> status();

    /**
     * How each pull, push and checkpoint ended (success, failure or cancellation, with its duration), as a hot
     * stream: one {@link OperationResult} per operation after its retries, for those called by the application and
     * those of {@link #autoSync(AutoSyncOptions)}. Meant for metrics (module {@code tursosync-spring-boot-starter}
     * binds it to Micrometer). Results published while nobody subscribes are dropped. Completes when the client
     * closes.
     *
     * @return the hot stream
     */
    Flux<OperationResult> operations();

    /**
     * Every change event of every pull (and {@link ChangeOperation#RESET} events of the bootstrap), as a hot stream.
     * A subscriber that does not request receives nothing meanwhile; add {@code onBackpressureBuffer()} to keep
     * every event. Completes when the client closes.
     *
     * @return the hot stream
     */
    Flux<ChangeEvent> changes();

    /**
     * The client's counters and state.
     *
     * @return a snapshot
     */
    Mono<SyncStats> stats();

    /**
     * A blocking JDBC {@link javax.sql.DataSource} over this client's own database connections, for startup and
     * tooling code: schema migrations (Flyway, Liquibase), plain JDBC, jOOQ. Its connections are the client's, like
     * those of the R2DBC driver: every row and every schema change written through them is captured and pushed, in
     * order, by the next {@link #push()}. Closing a connection rolls back what is still open and gives it back.
     *
     * <p>Blocking by nature: use it on ordinary threads only, never on an event loop (calling
     * {@code getConnection()} on a Reactor non-blocking thread fails with an {@link java.sql.SQLException}). While a
     * connection is open, pulls wait for it, so close connections when done; run migrations after {@link #open()}
     * and before starting {@link #autoSync()} (see docs/migrations.md). Any other connection to the file (a plain
     * {@code jdbc:sqlite:} URL) bypasses capture and is not supported.
     *
     * @return the data source; valid while the client is open
     */
    javax.sql.DataSource dataSource();

    /**
     * The local database as a statement layer uses it: the service provider interface through which the R2DBC driver
     * (module {@code tursosync-r2dbc}) leases this client's connections, with the same threads, permits and change
     * capture as {@link #dataSource()}. Applications use the driver or {@link #dataSource()}; this is for the code of
     * such drivers (see {@link dev.tursosync.spi}).
     *
     * @return the database of the open client
     * @throws SyncClosedException if the client is not open
     */
    LocalDatabase localDatabase();

    /**
     * This replica's unique id on the remote ({@code clientName-UUID}), once opened.
     *
     * @return the id
     */
    String clientId();

    /**
     * Waits for running work, closes every connection and the network resources. The replica can be opened again
     * by a new client.
     *
     * @return completes when closed
     */
    Mono<Void> close();

    /**
     * Configuration of a {@link SyncClient}. Only {@link #path(Path)} and {@link #url(String)} are required.
     */
    final class Builder {

        private static final List<String> CIPHERS = List.of("aes128gcm", "aes256gcm",
                "chacha20poly1305", "aegis128l", "aegis128x2", "aegis128x4", "aegis256", "aegis256x2", "aegis256x4");

        private @Nullable Path path;
        private @Nullable String url;
        private @Nullable Supplier<Mono<String>> authToken;
        private boolean authTokenRefreshable;
        private @Nullable String encryptionKey;
        private @Nullable String encryptionCipher;
        private @Nullable Path trustCertificates;
        private UnaryOperator<HttpClient> httpClient = UnaryOperator.identity();
        private String clientName = "tursosync-java";
        private Duration longPollTimeout = Duration.ZERO;
        private boolean bootstrapIfEmpty = true;
        private double resetShare = 0.5;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private int maxConnections = 4;
        private Function<Mutation, @Nullable MutationResult> transform = ReplayStatements.KEEP_ALL;
        private int pushBatchSize = 1000;
        private long autoCheckpointWalBytes = 64L * 1024 * 1024;
        private long pullMemoryBytes = 8L * 1024 * 1024;
        private RetryOptions retry = RetryOptions.defaults();

        private Builder() {
        }

        /**
         * The local database file. Its folder also holds {@code <db>-info} (metadata), {@code <db>-wal} and, during
         * a pull, {@code <db>-changes-N}.
         *
         * @param path the database file
         * @return this builder
         */
        public Builder path(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * The remote: {@code http://}, {@code https://} or {@code libsql://} (as https), with an optional base path.
         *
         * @param url the URL
         * @return this builder
         */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * A fixed auth token, sent as {@code Authorization: Bearer <token>}.
         *
         * @param token the token
         * @return this builder
         */
        public Builder authToken(String token) {
            Objects.requireNonNull(token, "token");
            this.authToken = () -> Mono.just(token);
            this.authTokenRefreshable = false;
            return this;
        }

        /**
         * A token source asked once per request, for tokens that expire and are refreshed. When the server answers
         * 401, the request is sent once more with a token asked for anew; a second 401 fails with
         * {@link SyncAuthenticationException}.
         *
         * @param tokens yields the current token
         * @return this builder
         */
        public Builder authToken(Supplier<Mono<String>> tokens) {
            this.authToken = Objects.requireNonNull(tokens, "tokens");
            this.authTokenRefreshable = true;
            return this;
        }

        /**
         * The key of an encrypted remote database, sent as {@code x-turso-encryption-key}.
         *
         * @param base64Key the key, base64
         * @return this builder
         */
        public Builder encryptionKey(String base64Key) {
            this.encryptionKey = Objects.requireNonNull(base64Key, "base64Key");
            this.encryptionCipher = null;
            return this;
        }

        /**
         * The key and cipher of an encrypted remote database, sent as {@code x-turso-encryption-key} and
         * {@code x-turso-encryption-cipher}, as the official JavaScript client does.
         *
         * @param base64Key the key, base64
         * @param cipher    the cipher: {@code aes128gcm}, {@code aes256gcm}, {@code chacha20poly1305},
         *                  {@code aegis128l}, {@code aegis128x2}, {@code aegis128x4}, {@code aegis256},
         *                  {@code aegis256x2} or {@code aegis256x4}
         * @return this builder
         */
        public Builder encryptionKey(String base64Key, String cipher) {
            if (cipher == null || !CIPHERS.contains(cipher)) {
                throw new IllegalArgumentException("cipher must be one of " + CIPHERS);
            }
            this.encryptionKey = Objects.requireNonNull(base64Key, "base64Key");
            this.encryptionCipher = cipher;
            return this;
        }

        /**
         * Trusts the certificates of a PEM file, instead of the JDK's trusted authorities, for {@code https://} and
         * {@code libsql://} remotes: a self-signed certificate of a test server, or the authority of a corporate
         * proxy. A certificate nobody trusts fails operations with {@link SyncTlsException}.
         *
         * @param pemFile one or more PEM certificates
         * @return this builder
         * @throws IllegalArgumentException if the file cannot be read
         */
        public Builder trustCertificates(Path pemFile) {
            Objects.requireNonNull(pemFile, "pemFile");
            if (!Files.isReadable(pemFile)) {
                throw new IllegalArgumentException("cannot read the certificate file " + pemFile);
            }
            this.trustCertificates = pemFile;
            return this;
        }

        /**
         * Customizes the Reactor Netty HTTP client the client talks to the remote with: applied last, to the client
         * already configured (HTTP/1.1, timeouts, TLS), as Spring's {@code WebClient} customizers are. For proxies,
         * mutual TLS, wiretap logging or metrics. Keep retries disabled: the client retries whole operations
         * itself.
         *
         * @param customizer returns the client to use, usually a configured copy of the one it is given
         * @return this builder
         */
        public Builder httpClient(UnaryOperator<HttpClient> customizer) {
            this.httpClient = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * The prefix of the client id; the id is this name, a dash and a random UUID, kept in the metadata.
         * Default {@code tursosync-java}.
         *
         * @param clientName letters, digits, dots, dashes and underscores
         * @return this builder
         */
        public Builder clientName(String clientName) {
            if (clientName == null || !clientName.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("clientName must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            this.clientName = clientName;
            return this;
        }

        /**
         * How long the server may hold a pull until changes exist (servers without long poll answer at once).
         * Default zero: no long poll.
         *
         * @param timeout the duration, zero or positive, below 2^32 ms
         * @return this builder
         */
        public Builder longPollTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.toMillis() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("longPollTimeout must be between 0 and 2^32-1 ms");
            }
            this.longPollTimeout = timeout;
            return this;
        }

        /**
         * Whether {@link SyncClient#open()} bootstraps a missing local database from the remote. Default
         * {@code true}; with {@code false} the first pull brings the whole database.
         *
         * @param bootstrap the flag
         * @return this builder
         */
        public Builder bootstrapIfEmpty(boolean bootstrap) {
            this.bootstrapIfEmpty = bootstrap;
            return this;
        }

        /**
         * Above this share of a table's pages changed in one pull, the table gets one
         * {@link ChangeOperation#RESET} event instead of row events. Default 0.5.
         *
         * @param share between 0 and 1
         * @return this builder
         */
        public Builder resetShare(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("resetShare must be between 0 and 1");
            }
            this.resetShare = share;
            return this;
        }

        /**
         * Time allowed to connect to the remote. Default 10 s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Time allowed for the remote to start answering and between two reads of a reply; a long-poll pull adds
         * its long-poll timeout to the wait for its reply's first bytes only. Default 30 s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How many database connections (and database threads) the client uses at most. Default 4.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1");
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * The push transform hook: called for every captured row change a push is about to send, in change order,
         * on a database thread. Return {@link MutationResult#keep()} to push it as captured,
         * {@link MutationResult#skip()} to push nothing for it, or {@link MutationResult#rewrite} to push other SQL
         * in its place (same remote transaction). Schema changes are always pushed as captured. If the hook
         * throws, the push fails before sending that batch and the changes stay pending. Default: keep everything.
         *
         * @param transform the hook; {@code null} results count as keep
         * @return this builder
         */
        public Builder transform(Function<Mutation, @Nullable MutationResult> transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /**
         * How many local changes one push batch (one remote transaction, one request) aims for. A local transaction
         * is never split, so a batch holds more when a transaction is larger. Default 1000.
         *
         * @param changes at least 1
         * @return this builder
         */
        public Builder pushBatchSize(int changes) {
            if (changes < 1) {
                throw new IllegalArgumentException("pushBatchSize must be at least 1");
            }
            this.pushBatchSize = changes;
            return this;
        }

        /**
         * The WAL size above which a {@linkplain SyncClient#checkpoint() checkpoint} runs by itself, in the
         * background, after local work. Default 64 MiB; 0 turns automatic checkpoints off (the WAL then grows until
         * the next pull or an explicit checkpoint).
         *
         * @param bytes 0 or more
         * @return this builder
         */
        public Builder autoCheckpointWalBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("autoCheckpointWalBytes must not be negative");
            }
            this.autoCheckpointWalBytes = bytes;
            return this;
        }

        /**
         * How many bytes of pulled pages a pull keeps in memory until it applies them. A larger pull stages all its
         * pages in a file next to the database instead ({@code <db>-changes-N}), so memory stays bounded whatever
         * the pull's size. Default 8 MiB (2,048 pages); 0 stages every pull in the file.
         *
         * @param bytes 0 or more
         * @return this builder
         */
        public Builder pullMemoryBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("pullMemoryBytes must not be negative");
            }
            this.pullMemoryBytes = bytes;
            return this;
        }

        /**
         * How pulls, pushes and the bootstrap retry transient network failures. Default
         * {@link RetryOptions#defaults()}; {@link RetryOptions#none()} to surface every failure at once.
         *
         * @param options the retry policy
         * @return this builder
         */
        public Builder retry(RetryOptions options) {
            this.retry = Objects.requireNonNull(options, "retry");
            return this;
        }

        /**
         * Creates the client (not yet opened).
         *
         * @return the client
         * @throws IllegalArgumentException if the path or URL is missing or invalid
         */
        public SyncClient build() {
            if (path == null) {
                throw new IllegalArgumentException("path is required");
            }
            if (url == null) {
                throw new IllegalArgumentException("url is required");
            }
            return new DefaultSyncClient(new SyncClientOptions(path.toAbsolutePath(), url, authToken,
                    authTokenRefreshable, encryptionKey,
                    clientName, longPollTimeout, bootstrapIfEmpty, resetShare, connectTimeout, responseTimeout,
                    maxConnections, transform, pushBatchSize, autoCheckpointWalBytes, pullMemoryBytes, retry,
                    encryptionCipher, trustCertificates, httpClient, SyncClientOptions.REACTOR_NETTY));
        }
    }
}
