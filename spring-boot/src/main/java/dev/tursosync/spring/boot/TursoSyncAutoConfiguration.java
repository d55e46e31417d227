package dev.tursosync.spring.boot;

import dev.tursosync.SyncClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of a synced replica from the {@code tursosync.*} properties ({@link TursoSyncProperties}): a
 * {@link SyncClient} opened during startup when {@code tursosync.url} is set, its background sync
 * ({@link BackgroundSync}), and an R2DBC {@code ConnectionFactory} on it. Each bean backs off when the application
 * defines its own; the background sync and the connection factory also serve a {@code SyncClient} bean of the
 * application's.
 */
@AutoConfiguration(before = R2dbcAutoConfiguration.class)
@ConditionalOnClass(SyncClient.class)
@EnableConfigurationProperties(TursoSyncProperties.class)
@Import({SyncClientConfiguration.class, BackgroundSyncConfiguration.class, ConnectionFactoryConfiguration.class})
public class TursoSyncAutoConfiguration {

    /** Created by Spring. */
    public TursoSyncAutoConfiguration() {
    }
}
