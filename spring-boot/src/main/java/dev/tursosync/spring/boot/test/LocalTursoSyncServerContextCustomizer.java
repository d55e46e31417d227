package dev.tursosync.spring.boot.test;

import dev.tursosync.testing.LocalSyncServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;
import org.springframework.util.FileSystemUtils;

/**
 * Starts a {@link LocalSyncServer} for one test application context, registers it as a bean, points
 * {@code tursosync.url} and {@code tursosync.path} to it, and stops it when the context closes. Those two properties
 * take precedence over the application's configuration files and the environment (which usually name the production
 * remote), while the test's own properties ({@code @SpringBootTest(properties = ...)}, {@code @TestPropertySource},
 * {@code @DynamicPropertySource}) still override them.
 */
final class LocalTursoSyncServerContextCustomizer implements ContextCustomizer {

    private static final String PROPERTY_SOURCE = "localTursoSyncServer";

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        LocalSyncServer server = LocalSyncServer.start();
        Path replicas = temporaryDirectory();
        ConfigurableEnvironment environment = context.getEnvironment();
        Map<String, Object> properties = new HashMap<>();
        properties.put("tursosync.url", server.url());
        properties.put("tursosync.path", replicas.resolve("replica.db").toString());
        MutablePropertySources sources = environment.getPropertySources();
        MapPropertySource serverProperties = new MapPropertySource(PROPERTY_SOURCE, properties);
        if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
            sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, serverProperties);
        } else {
            sources.addFirst(serverProperties);
        }
        context.getBeanFactory().registerSingleton("localSyncServer", server);
        // registered before every other bean, so destroyed after them all (the client closes first)
        ((DefaultSingletonBeanRegistry) context.getBeanFactory()).registerDisposableBean("localSyncServerStop", () -> {
            server.close();
            FileSystemUtils.deleteRecursively(replicas);
        });
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("tursosync-replica-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the test replica", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other != null && other.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
