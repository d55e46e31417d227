package dev.tursosync.r2dbc;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Lets {@code ConnectionFactories.get(...)} open Turso databases:
 * {@code r2dbc:turso://:TOKEN@/abs/path/app.db?url=http%3A%2F%2Fhost%3A8080} opens (and bootstraps) a synced
 * database; without {@code url} the file is a plain local SQLite database. A path relative to the working directory
 * starts with {@code ./} or {@code ../}: {@code r2dbc:turso:///./data/app.db}. A URL with a host, port or user
 * ({@code r2dbc:turso://var/data/app.db}) is refused rather than read with a part dropped, and every malformed URL
 * or option fails with an {@link IllegalArgumentException} that shows the expected form. The token is the password
 * ({@link ConnectionFactoryOptions#PASSWORD}, masked in every text of the options); the {@link #AUTH_TOKEN} option
 * is for programmatic use, and a token that the options would print (given as {@code authToken} in a URL, or with
 * the server URL left unencoded next to a password) is refused. Registered with {@link java.util.ServiceLoader}.
 */
public final class TursoConnectionFactoryProvider implements ConnectionFactoryProvider {

    /** The driver name in URLs: {@code r2dbc:turso:...}. */
    public static final String DRIVER = "turso";

    /** The sync server URL; without it the database is local only. */
    public static final Option<String> URL = Option.valueOf("url");

    /** The auth token for the sync server (sensitive: never printed). */
    public static final Option<CharSequence> AUTH_TOKEN = Option.sensitiveValueOf("authToken");

    /** The client name reported to the sync server. */
    public static final Option<String> CLIENT_NAME = Option.valueOf("clientName");

    /** Database threads for the client's ordinary work. */
    public static final Option<Integer> MAX_CONNECTIONS = Option.valueOf("maxConnections");

    /**
     * Whether the sync client of a factory with a {@link #URL} runs background sync once opened: {@code true} (the
     * default) or {@code false}.
     */
    public static final Option<Boolean> AUTO_SYNC = Option.valueOf("autoSync");

    /** The URL forms, told in every error about a malformed URL or option. */
    static final String EXPECTED_FORM = "expected r2dbc:turso:///absolute/path/app.db or r2dbc:turso:///./relative/"
            + "path/app.db (relative to the working directory), r2dbc:turso://:<token>@/absolute/path/app.db with an "
            + "auth token, optionally followed by ?url=<server URL, percent-encoded>&clientName=...&maxConnections=N"
            + "&statementTimeout=PT5S&autoSync=false";

    /** Creates the provider; R2DBC's {@code ConnectionFactories} finds it through {@link java.util.ServiceLoader}. */
    public TursoConnectionFactoryProvider() {
    }

    @Override
    public TursoConnectionFactory create(ConnectionFactoryOptions options) {
        return explained(() -> TursoConnectionFactory.create(parse(options)));
    }

    static TursoConnectionConfiguration configuration(ConnectionFactoryOptions options) {
        return explained(() -> parse(options));
    }

    /** Adds the expected URL form to an error about the URL or its options. */
    private static <T> T explained(Supplier<T> parsing) {
        try {
            return parsing.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid Turso R2DBC URL or options: " + e.getMessage() + "; "
                    + EXPECTED_FORM, e);
        }
    }

    private static TursoConnectionConfiguration parse(ConnectionFactoryOptions options) {
        TursoConnectionConfiguration.Builder builder = TursoConnectionConfiguration.builder()
                .path(databasePath(options));
        Object url = options.getValue(URL);
        if (url != null) {
            builder.url(text(url));
        }
        Object token = options.hasOption(AUTH_TOKEN) ? options.getValue(AUTH_TOKEN)
                : options.getValue(ConnectionFactoryOptions.PASSWORD);
        if (token != null) {
            builder.authToken(requireHidden(options, text(token)));
        }
        Object clientName = options.getValue(CLIENT_NAME);
        if (clientName != null) {
            builder.clientName(text(clientName));
        }
        Object maxConnections = options.getValue(MAX_CONNECTIONS);
        if (maxConnections != null) {
            builder.maxConnections(integer(MAX_CONNECTIONS, maxConnections));
        }
        Object autoSync = options.getValue(AUTO_SYNC);
        if (autoSync != null) {
            builder.autoSync(flag(text(autoSync)));
        }
        Object timeout = options.getValue(ConnectionFactoryOptions.STATEMENT_TIMEOUT);
        if (timeout != null) {
            builder.statementTimeout(timeout instanceof Duration duration ? duration : duration(timeout));
        }
        return builder.build();
    }

    /**
     * Refuses a token that the options would print: r2dbc-spi masks only options registered as sensitive before the
     * URL was parsed, and a server URL left unencoded in the query makes it copy the password into the protocol.
     */
    private static String requireHidden(ConnectionFactoryOptions options, String token) {
        if (options.toString().contains(token)) {
            throw new IllegalArgumentException("the auth token would show in the text of these connection options; "
                    + "give it as the password (r2dbc:turso://:<token>@/abs/path/app.db?url=<server URL, "
                    + "percent-encoded>) or as the PASSWORD option, never as authToken in a URL");
        }
        return token;
    }

    /**
     * The database file: {@code r2dbc-spi} gives the URL's path without its leading slash, so a plain path is
     * absolute, and one starting with {@code ./} or {@code ../} is resolved against the working directory. A host,
     * port or user would be dropped, so they are refused.
     */
    static Path databasePath(ConnectionFactoryOptions options) {
        for (Option<?> dropped : List.of(ConnectionFactoryOptions.HOST, ConnectionFactoryOptions.PORT,
                ConnectionFactoryOptions.USER)) {
            Object value = options.getValue(dropped);
            if (value != null && !text(value).isEmpty()) {
                throw new IllegalArgumentException("the URL names a " + dropped.name() + " ('" + value + "'), which a "
                        + "local database file has no use for; r2dbc:turso://var/data/app.db reads 'var' as a host: "
                        + "write r2dbc:turso:///var/data/app.db (three slashes) for an absolute path");
            }
        }
        Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
        if (database == null || text(database).isBlank()) {
            throw new IllegalArgumentException("the URL names no database file");
        }
        String path = text(database);
        if (path.equals(".") || path.equals("..") || path.startsWith("./") || path.startsWith("../")) {
            return Path.of(path).toAbsolutePath().normalize();
        }
        return Path.of(path.startsWith("/") ? path : "/" + path);
    }

    private static int integer(Option<?> option, Object value) {
        if (value instanceof Integer number) {
            return number;
        }
        try {
            return Integer.parseInt(text(value).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option.name() + " must be a whole number, not '" + value + "'");
        }
    }

    private static Duration duration(Object value) {
        try {
            return Duration.parse(text(value).strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(ConnectionFactoryOptions.STATEMENT_TIMEOUT.name()
                    + " must be an ISO-8601 duration such as PT5S, not '" + value + "'");
        }
    }

    private static boolean flag(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(AUTO_SYNC.name() + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static String text(Object value) {
        return value.toString();
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return DRIVER.equals(options.getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return DRIVER;
    }
}
