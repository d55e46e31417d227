package dev.tursosync.examples.modules;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An application run by {@link ModulePathIntegrationTests} in a JVM of its own, with the client and the driver as
 * named modules on the module path: it uses what reflection (Jackson, protobuf) and services (R2DBC's
 * {@code ConnectionFactories}) reach in the modules, and checks the engine stays hidden. Prints {@code OK} last.
 */
public final class ModularApp {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private ModularApp() {
    }

    /**
     * Runs the checks.
     *
     * @param args the server URL and a folder for the databases
     * @throws Exception any failure, which ends the JVM with a non-zero status
     */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path folder = Path.of(args[1]);
        Module core = SyncClient.class.getModule();
        Module driver = TursoConnectionFactory.class.getModule();
        System.out.println("modules " + core.getName() + " " + driver.getName());
        System.out.println("exported " + core.isExported("dev.tursosync") + " " + core.isExported("dev.tursosync.spi")
                + " " + driver.isExported("dev.tursosync.r2dbc"));
        System.out.println("hidden " + !core.isExported("dev.tursosync.internal.client")
                + " " + !driver.isExported("dev.tursosync.r2dbc.internal"));

        SyncClient writer = SyncClient.builder().path(folder.resolve("a.db")).url(url).clientName("modular").build();
        SyncClient reader = SyncClient.builder().path(folder.resolve("b.db")).url(url).clientName("modular").build();
        try {
            writer.open().block(WAIT);
            ConnectionFactory factory = TursoConnectionFactory.of(writer);
            run(factory, "CREATE TABLE modular (id INTEGER PRIMARY KEY, v TEXT)",
                    "INSERT INTO modular VALUES (1, 'one')");
            System.out.println("pushed " + writer.push().block(WAIT).changesPushed());

            reader.open().block(WAIT);
            System.out.println("bootstrapped " + count(reader));
            run(TursoConnectionFactory.of(reader), "INSERT INTO modular VALUES (2, 'two')");
            reader.push().block(WAIT);

            run(factory, "INSERT INTO modular VALUES (3, 'three')");
            writer.pullChanges().collectList().block(WAIT);
            writer.checkpoint().block(WAIT);
            System.out.println("rebased " + count(writer));
        } finally {
            reader.close().block(WAIT);
            writer.close().block(WAIT);
        }

        ConnectionFactory plain = ConnectionFactories.get("r2dbc:turso:///" + folder.resolve("plain.db"));
        System.out.println("service " + plain.getClass().getName());
        run(plain, "CREATE TABLE p (x)", "INSERT INTO p VALUES (1)");
        ((TursoConnectionFactory) plain).close().block(WAIT);
        System.out.println("OK");
    }

    private static void run(ConnectionFactory factory, String... statements) {
        Mono.usingWhen(factory.create(),
                connection -> Flux.fromIterable(List.of(statements))
                        .concatMap(sql -> Flux.from(connection.createStatement(sql).execute())
                                .concatMap(result -> result.getRowsUpdated()))
                        .then(),
                Connection::close).block(WAIT);
    }

    private static long count(SyncClient client) throws Exception {
        try (java.sql.Connection connection = client.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM modular")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
