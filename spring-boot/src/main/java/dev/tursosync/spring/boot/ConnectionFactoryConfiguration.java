package dev.tursosync.spring.boot;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The R2DBC {@link ConnectionFactory} on the context's {@link SyncClient}, registered before Boot's R2DBC
 * auto-configuration, which then backs off; repositories, {@code DatabaseClient}, {@code R2dbcEntityTemplate} and
 * {@code R2dbcTransactionManager} use it unchanged. Pooled as Boot pools (settings {@code spring.r2dbc.pool.*}) when
 * r2dbc-pool is present and {@code spring.r2dbc.pool.enabled} is not {@code false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(SyncClient.class)
@ConditionalOnMissingBean(ConnectionFactory.class)
@Import({ConnectionFactoryConfiguration.Pooled.class, ConnectionFactoryConfiguration.Unpooled.class})
class ConnectionFactoryConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ConnectionPool.class)
    @ConditionalOnProperty(prefix = "spring.r2dbc.pool", name = "enabled", matchIfMissing = true)
    @EnableConfigurationProperties(R2dbcProperties.class)
    static class Pooled {

        @Bean(destroyMethod = "dispose")
        ConnectionPool connectionFactory(SyncClient client, R2dbcProperties properties) {
            R2dbcProperties.Pool pool = properties.getPool();
            ConnectionPoolConfiguration.Builder builder = ConnectionPoolConfiguration
                    .builder(TursoConnectionFactory.of(client))
                    .initialSize(pool.getInitialSize())
                    .maxSize(pool.getMaxSize())
                    .minIdle(pool.getMinIdle())
                    .maxIdleTime(pool.getMaxIdleTime())
                    .maxLifeTime(pool.getMaxLifeTime())
                    .maxAcquireTime(pool.getMaxAcquireTime())
                    .maxCreateConnectionTime(pool.getMaxCreateConnectionTime())
                    .maxValidationTime(pool.getMaxValidationTime())
                    .validationDepth(pool.getValidationDepth());
            if (pool.getValidationQuery() != null) {
                builder.validationQuery(pool.getValidationQuery());
            }
            return new ConnectionPool(builder.build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(NoPool.class)
    static class Unpooled {

        @Bean
        TursoConnectionFactory connectionFactory(SyncClient client) {
            return TursoConnectionFactory.of(client);
        }
    }


    /** The complement of {@link Pooled}'s conditions: r2dbc-pool is missing, or the pool is turned off. */
    static class NoPool extends AnyNestedCondition {

        NoPool() {
            super(ConfigurationPhase.PARSE_CONFIGURATION);
        }

        @ConditionalOnMissingClass("io.r2dbc.pool.ConnectionPool")
        static class PoolMissing {
        }

        @ConditionalOnProperty(prefix = "spring.r2dbc.pool", name = "enabled", havingValue = "false")
        static class PoolDisabled {
        }
    }
}
