package dev.tursosync.spring.boot.actuate;

import dev.tursosync.SyncClient;
import dev.tursosync.micrometer.SyncClientMetrics;
import dev.tursosync.spring.boot.TursoSyncAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The client's Micrometer metrics ({@link SyncClientMetrics}) when Micrometer is present: Actuator binds the
 * {@code MeterBinder} bean to every registry.
 */
@AutoConfiguration(after = TursoSyncAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(SyncClient.class)
public class TursoSyncMetricsAutoConfiguration {

    /** Created by Spring. */
    public TursoSyncMetricsAutoConfiguration() {
    }

    /**
     * The binder; closed with the context.
     *
     * @param client the client
     * @return the binder
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SyncClientMetrics tursoSyncMetrics(SyncClient client) {
        return new SyncClientMetrics(client);
    }
}
