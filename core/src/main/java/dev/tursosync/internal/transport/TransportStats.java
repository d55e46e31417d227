package dev.tursosync.internal.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts request and reply body bytes (headers are not counted), since the transport was created.
 */
public final class TransportStats {

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    void addSent(long bytes) {
        sent.addAndGet(bytes);
    }

    void addReceived(long bytes) {
        received.addAndGet(bytes);
    }

    /**
     * Request body bytes sent.
     *
     * @return the count
     */
    public long bytesSent() {
        return sent.get();
    }

    /**
     * Reply body bytes received.
     *
     * @return the count
     */
    public long bytesReceived() {
        return received.get();
    }
}
