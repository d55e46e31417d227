package dev.tursosync.spring.boot.actuate;

import dev.tursosync.SyncClient;
import dev.tursosync.spring.boot.TursoSyncAutoConfiguration;
import dev.tursosync.spring.boot.TursoSyncProperties;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tursoSync} health indicator ({@link TursoSyncHealthIndicator}) when Actuator is present; turned off by
 * {@code management.health.tursosync.enabled=false}.
 */
@AutoConfiguration(after = TursoSyncAutoConfiguration.class)
@ConditionalOnClass({ReactiveHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(SyncClient.class)
@ConditionalOnEnabledHealthIndicator("tursosync")
@EnableConfigurationProperties(TursoSyncProperties.class)
public class TursoSyncHealthAutoConfiguration {

    /** Created by Spring. */
    public TursoSyncHealthAutoConfiguration() {
    }

    /**
     * The indicator; the bean name makes the component name {@code tursoSync}.
     *
     * @param client     the client
     * @param properties {@code tursosync.health.*}
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "tursoSyncHealthIndicator")
    public TursoSyncHealthIndicator tursoSyncHealthIndicator(SyncClient client, TursoSyncProperties properties) {
        return new TursoSyncHealthIndicator(client, properties.getHealth().getMaxFailureDuration());
    }
}
