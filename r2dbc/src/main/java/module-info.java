/**
 * The R2DBC driver of the Turso sync client: R2DBC connections to the local replica of a
 * {@link dev.tursosync.SyncClient}, or to a plain local SQLite database.
 *
 * <p>Exports the driver's entry points, {@code dev.tursosync.r2dbc}, and Spring Data R2DBC's dialect,
 * {@code dev.tursosync.r2dbc.spring} (Spring is optional, {@code requires static}, and its types appear in the dialect's signatures,
 * {@code transitive}); it reaches the client only through
 * the exported packages of {@code dev.tursosync}. R2DBC's {@code ConnectionFactories} finds the driver as a service.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.tursosync.r2dbc {
    requires transitive dev.tursosync;
    requires transitive r2dbc.spi;

    requires org.slf4j;
    requires org.xerial.sqlitejdbc;

    requires static transitive spring.core;
    requires static transitive spring.data.commons;
    requires static transitive spring.data.r2dbc;
    requires static transitive spring.data.relational;
    requires static transitive spring.r2dbc;

    exports dev.tursosync.r2dbc;
    exports dev.tursosync.r2dbc.spring;

    provides io.r2dbc.spi.ConnectionFactoryProvider with dev.tursosync.r2dbc.TursoConnectionFactoryProvider;
}
