package dev.tursosync.spring.boot;

import dev.tursosync.SyncClient;
import java.net.URI;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link SyncClient} of the {@code tursosync.*} properties, opened while the context starts, so the application
 * takes no traffic before its replica is ready; closed when the context closes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "tursosync", name = "url")
class SyncClientConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SyncClient syncClient(TursoSyncProperties properties, ObjectProvider<SyncClientBuilderCustomizer> customizers) {
        SyncClient.Builder builder = properties.clientBuilder();
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        SyncClient client = builder.build();
        try {
            client.open().block(properties.getOpenTimeout());
        } catch (RuntimeException e) {
            client.close().onErrorComplete().block(properties.getOpenTimeout());
            throw new ReplicaOpenException(properties.getPath(), withoutCredentials(properties.getUrl()), e);
        }
        return client;
    }

    /** The scheme, host and port of the remote: never user info, a path or a query that could hold a secret. */
    private static String withoutCredentials(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "tursosync.url";
        }
    }
}
