package dev.tursosync.bench.micro;

import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.spi.Connection;
import java.sql.SQLException;
import reactor.core.publisher.Mono;

/**
 * The two sides of a comparison on one file: a raw sqlite-jdbc connection with the client's settings, and one R2DBC
 * connection of this project's driver ({@link TursoConnectionFactory#local}). {@link #close()} closes both and
 * deletes the file.
 */
final class BothSides implements AutoCloseable {

    private final ScratchFile file;
    private final java.sql.Connection jdbc;
    private final TursoConnectionFactory factory;
    private final Connection r2dbc;

    private BothSides(ScratchFile file, java.sql.Connection jdbc, TursoConnectionFactory factory, Connection r2dbc) {
        this.file = file;
        this.jdbc = jdbc;
        this.factory = factory;
        this.r2dbc = r2dbc;
    }

    /**
     * Opens both sides on a file.
     *
     * @param file the file; deleted by {@link #close()}
     * @return both sides
     * @throws SQLException if SQLite fails
     */
    static BothSides on(ScratchFile file) throws SQLException {
        java.sql.Connection jdbc = file.open();
        TursoConnectionFactory factory = TursoConnectionFactory.local(file.path());
        return new BothSides(file, jdbc, factory, Mono.from(factory.create()).block());
    }

    /** The JDBC connection, in auto-commit mode. */
    java.sql.Connection jdbc() {
        return jdbc;
    }

    /** The R2DBC connection. */
    Connection r2dbc() {
        return r2dbc;
    }

    @Override
    public void close() throws SQLException {
        jdbc.close();
        Mono.from(r2dbc.close()).block();
        factory.close();
        file.close();
    }
}
