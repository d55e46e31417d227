package dev.tursosync.spring.boot;

import dev.tursosync.SyncClient;

/**
 * Changes the client builder after the {@code tursosync.*} properties are applied and before the auto-configured
 * {@link SyncClient} is built: for what properties cannot express, such as a push transform hook or a refreshing
 * token source. Every bean of this type is applied, in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface SyncClientBuilderCustomizer {

    /**
     * Changes the builder.
     *
     * @param builder the builder with the properties applied
     */
    void customize(SyncClient.Builder builder);
}
