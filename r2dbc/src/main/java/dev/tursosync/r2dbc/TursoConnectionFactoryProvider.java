package dev.tursosync.r2dbc;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Lets {@code ConnectionFactories.get(...)} open Turso databases:
 * {@code r2dbc:turso:///abs/path/app.db?url=http://host:8080&authToken=...} opens (and bootstraps) a synced
 * database; without {@code url} the file is a plain local SQLite database. The token may also be given as
 * {@link ConnectionFactoryOptions#PASSWORD}, which keeps it out of URLs. Registered with {@link java.util.ServiceLoader}.
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
            builder.authToken(text(token));
        }
        Object clientName = options.getValue(CLIENT_NAME);
        if (clientName != null) {
            builder.clientName(text(clientName));
        }
        Object maxConnections = options.getValue(MAX_CONNECTIONS);
        if (maxConnections != null) {
            builder.maxConnections(Integer.parseInt(text(maxConnections)));
        }
        Object autoSync = options.getValue(AUTO_SYNC);
        if (autoSync != null) {
            builder.autoSync(flag(text(autoSync)));
        }
        Object timeout = options.getValue(ConnectionFactoryOptions.STATEMENT_TIMEOUT);
        if (timeout != null) {
            builder.statementTimeout(timeout instanceof Duration duration ? duration : Duration.parse(text(timeout)));
        }
        return builder.build();
    }

    private static boolean flag(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("autoSync must be true or false, not " + value);
        }
        return Boolean.parseBoolean(value);
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
