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
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.FileSystemUtils;

/**
 * Starts a {@link LocalSyncServer} for one test application context, registers it as a bean, points
 * {@code tursosync.url} and {@code tursosync.path} to it (as defaults the test's own properties override), and stops
 * it when the context closes.
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
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, properties));
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
