package dev.tursosync.r2dbc;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Lets {@code ConnectionFactories.get(...)} open Turso databases:
 * {@code r2dbc:turso://:TOKEN@/abs/path/app.db?url=http%3A%2F%2Fhost%3A8080} opens (and bootstraps) a synced
 * database; without {@code url} the file is a plain local SQLite database. The token is the password
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

    @Override
    public TursoConnectionFactory create(ConnectionFactoryOptions options) {
        return TursoConnectionFactory.create(configuration(options));
    }

    static TursoConnectionConfiguration configuration(ConnectionFactoryOptions options) {
        String database = text(options.getRequiredValue(ConnectionFactoryOptions.DATABASE));
        TursoConnectionConfiguration.Builder builder = TursoConnectionConfiguration.builder()
                .path(Path.of(database.startsWith("/") ? database : "/" + database));
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
            builder.maxConnections(Integer.parseInt(text(maxConnections)));
        }
        Object timeout = options.getValue(ConnectionFactoryOptions.STATEMENT_TIMEOUT);
        if (timeout != null) {
            builder.statementTimeout(timeout instanceof Duration duration ? duration : Duration.parse(text(timeout)));
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

    private static String text(Object value) {
        return value.toString();
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return DRIVER.equals(options.getValue(ConnectionFactoryOptions.DRIVER))
                && options.hasOption(ConnectionFactoryOptions.DATABASE);
    }

    @Override
    public String getDriver() {
        return DRIVER;
    }
}
