package dev.tursosync.internal.transport;

/**
 * Creates the transport of a client when it opens: the seam between the engine and the network. The client uses
 * {@link ReactorNettySyncTransport#create(TransportOptions)}; engine tests give it a scripted fake instead.
 */
@FunctionalInterface
public interface SyncTransportFactory {

    /**
     * Creates a transport; the client closes it when it closes or when its open fails.
     *
     * @param options the settings of the client's configuration
     * @return the transport
     */
    SyncTransport create(TransportOptions options);
}
