package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.ConnectionMetadata;

/** The database product behind every connection. */
final class TursoConnectionMetadata implements ConnectionMetadata {

    static final TursoConnectionMetadata INSTANCE = new TursoConnectionMetadata();

    private TursoConnectionMetadata() {
    }

    @Override
    public String getDatabaseProductName() {
        return "SQLite";
    }

    @Override
    public String getDatabaseVersion() {
        Package driver = org.sqlite.JDBC.class.getPackage();
        String version = driver == null ? null : driver.getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
