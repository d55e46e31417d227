/**
 * The Turso sync client: a local SQLite replica kept in two-way sync with a remote Turso database.
 *
 * <p>Exports the API, {@code dev.tursosync}, and the service provider interface for statement layers,
 * {@code dev.tursosync.spi}; the engine under {@code dev.tursosync.internal} stays inside the module. Jackson reads
 * and writes the metadata and the rebase journal (with the captured changes it holds), and protobuf the generated
 * messages, by reflection: those packages are open to them only. Reactor Netty, an automatic module, cannot declare
 * the Netty modules it loads, so this module requires them.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.tursosync {
    requires transitive java.sql;
    requires transitive org.jspecify;
    requires transitive org.reactivestreams;
    requires transitive reactor.core;
    requires transitive reactor.netty.http;

    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.google.protobuf;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.handler;
    requires io.netty.transport;
    // What Reactor Netty, an automatic module that cannot declare it, loads (its pom's Netty dependencies)
    requires io.netty.codec.http2;
    requires io.netty.codec.http3;
    requires io.netty.handler.proxy;
    requires io.netty.resolver.dns;
    requires org.slf4j;
    requires org.xerial.sqlitejdbc;
    requires reactor.netty.core;

    exports dev.tursosync;
    exports dev.tursosync.spi;

    opens dev.tursosync.internal.capture to com.fasterxml.jackson.databind;
    opens dev.tursosync.internal.meta to com.fasterxml.jackson.databind;
    opens dev.tursosync.internal.rebase to com.fasterxml.jackson.databind;
    opens dev.tursosync.internal.proto to com.google.protobuf;
}
