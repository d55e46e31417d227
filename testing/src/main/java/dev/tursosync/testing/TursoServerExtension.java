package dev.tursosync.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that runs one {@link LocalSyncServer} per test class and injects it into
 * constructor, lifecycle and test method parameters of type {@code LocalSyncServer}.
 *
 * <pre>{@code
 * @ExtendWith(TursoServerExtension.class)
 * class FooIntegrationTests {
 *     @Test
 *     void syncs(LocalSyncServer server) { ... }
 * }
 * }</pre>
 *
 * <p>If {@code tursodb} cannot be installed or started, the test class is skipped, unless the
 * environment variable {@code CI} is {@code true}: then it fails, so CI never passes by skipping.
 * {@code @Nested} classes share the server of their enclosing class.
 */
public final class TursoServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(TursoServerExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TursoServerExtension.class);
    private static final String SERVER_KEY = "server";

    /** Creates the extension; JUnit calls this for {@code @ExtendWith}. */
    public TursoServerExtension() {
    }

    /**
     * Starts the server of the test class, unless an enclosing class already has one.
     *
     * @param context the test class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    /**
     * Stops the server started for this test class.
     *
     * @param context the test class's context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        LocalSyncServer server = context.getStore(NAMESPACE).remove(SERVER_KEY, LocalSyncServer.class);
        if (server != null) {
            server.close();
        }
    }

    /**
     * Supports parameters declared as {@link LocalSyncServer}.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current context
     * @return whether the parameter's type is {@code LocalSyncServer}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalSyncServer.class;
    }

    /**
     * Returns the running server of the test class, starting it if needed.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current context
     * @return the server
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /**
     * Finds the server in this context's store or its parents', or starts one and stores it; the
     * store also closes it when the context ends, should {@link #afterAll} not be reached.
     */
    private static synchronized LocalSyncServer server(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        LocalSyncServer existing = store.get(SERVER_KEY, LocalSyncServer.class);
        if (existing != null) {
            return existing;
        }
        LocalSyncServer started = startOrAbort(context);
        store.put(SERVER_KEY, started);
        return started;
    }

    private static LocalSyncServer startOrAbort(ExtensionContext context) {
        try {
            return LocalSyncServer.start();
        } catch (TursodbUnavailableException e) {
            if (failInsteadOfSkip()) {
                throw e;
            }
            String reason = "tursodb sync server unavailable, skipping " + context.getDisplayName() + ": "
                    + e.getMessage() + "\n(with the environment variable CI=true this fails instead of skipping)";
            // Surefire does not report a class-level skip, so say it here too.
            LOG.warn(reason);
            return Assumptions.abort(reason);
        }
    }

    private static boolean failInsteadOfSkip() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
