package dev.tursosync.examples.todo;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The replica, and the R2DBC connection factory over it that Spring Data uses. */
@Configuration(proxyBeanMethods = false)
public class SyncClientConfiguration {

    private static final Duration OPEN_TIMEOUT = Duration.ofMinutes(2);

    /** Created by Spring. */
    public SyncClientConfiguration() {
    }

    /**
     * The sync client, opened: the first start downloads the remote database, later starts resume the replica.
     * Spring closes it on shutdown and waits for the {@code Mono} that {@code close()} returns.
     *
     * @param properties the {@code todo.sync.*} settings
     * @return the open client
     */
    // tag::sync-client-bean[]
    @Bean(destroyMethod = "close")
    public SyncClient syncClient(SyncProperties properties) {
        SyncClient.Builder builder = SyncClient.builder()
                .path(properties.path())
                .url(properties.url())
                .clientName(properties.clientName());
        if (properties.authToken() != null && !properties.authToken().isBlank()) {
            builder.authToken(properties.authToken());
        }
        SyncClient client = builder.build();
        client.open().block(OPEN_TIMEOUT);    // bootstrap or resume before the application serves requests
        return client;
    }
    // end::sync-client-bean[]

    /**
     * Connections to the replica. Spring Data R2DBC finds the SQLite dialect that {@code tursosync-r2dbc} registers.
     *
     * @param client the open client
     * @return the connection factory
     */
    // tag::connection-factory-bean[]
    @Bean
    public ConnectionFactory connectionFactory(SyncClient client) {
        return TursoConnectionFactory.of(client);
    }
    // end::connection-factory-bean[]
}
