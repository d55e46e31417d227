package dev.tursosync.spring.boot;

import dev.tursosync.SyncClient;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Background sync of the context's {@link SyncClient}, unless {@code tursosync.auto-sync.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(SyncClient.class)
@ConditionalOnProperty(prefix = "tursosync.auto-sync", name = "enabled", matchIfMissing = true)
class BackgroundSyncConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BackgroundSync tursoSyncBackgroundSync(SyncClient client, TursoSyncProperties properties) {
        return new BackgroundSync(client, properties.getAutoSync().options());
    }
}
