package dev.tursosync.spring.boot.test;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link LocalTursoSyncServer} on a test class; registered in {@code META-INF/spring.factories}.
 */
public class LocalTursoSyncServerContextCustomizerFactory implements ContextCustomizerFactory {

    /** Created by Spring's test framework. */
    public LocalTursoSyncServerContextCustomizerFactory() {
    }

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        if (!isPresent("dev.tursosync.testing.LocalSyncServer")
                || !TestContextAnnotationUtils.hasAnnotation(testClass, LocalTursoSyncServer.class)) {
            return null;
        }
        return new LocalTursoSyncServerContextCustomizer();
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, LocalTursoSyncServerContextCustomizerFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
