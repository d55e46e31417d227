package dev.tursosync.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a local sync server into a Spring test: on a {@code @SpringBootTest} class, a real {@code tursodb
 * --sync-server} ({@link dev.tursosync.testing.LocalSyncServer}, module {@code tursosync-testing}) starts on a free
 * loopback port with the test's application context, {@code tursosync.url} points to it and {@code tursosync.path}
 * to a new replica in a temporary directory (unless the test sets them), and the server is a bean: inject
 * {@code LocalSyncServer} to {@code stop()} and {@code resume()} it for an outage test, or to open a second replica.
 * The server stops, and its data is deleted, when the context closes.
 *
 * <pre>{@code
 * @SpringBootTest
 * @LocalTursoSyncServer
 * class TodoTests {
 *     @Autowired LocalSyncServer server;
 * }
 * }</pre>
 *
 * <p>Needs {@code dev.tursosync:tursosync-testing} and {@code spring-boot-starter-test} on the test class path.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface LocalTursoSyncServer {
}
