package dev.tursosync.internal.transport;

import com.google.protobuf.ByteString;
import dev.tursosync.TursoSyncException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * Failures as the Reactor Netty transport signals them ({@link TransportErrors}), for scripts, and replies the
 * server would never send.
 */
public final class TransportFailures {

    private static final RemoteUrl URL = RemoteUrl.parse("http://127.0.0.1:9");

    private TransportFailures() {
    }

    /**
     * An HTTP error status.
     *
     * @param endpoint the endpoint, {@code /pull-updates} or {@code /v2/pipeline}
     * @param status   the status
     * @return the error: transient for 408, 429, 502, 503, 504
     */
    public static TursoSyncException status(String endpoint, int status) {
        return TransportErrors.forStatus("POST " + endpoint, status, "");
    }

    /**
     * A connection reset by the peer, before or in the middle of a reply.
     *
     * @param endpoint the endpoint
     * @return the error: transient
     */
    public static TursoSyncException connectionReset(String endpoint) {
        return (TursoSyncException) TransportErrors.forFailure("POST " + endpoint, URL, "no reply within 30000 ms",
                new SocketException("Connection reset"));
    }

    /**
     * A reply with one page's image replaced by bytes that are no b-tree page.
     *
     * @param frames a reply
     * @param index  which page of the reply (0 for the first page after the header)
     * @return the edited reply
     */
    public static List<PullFrame> withGarbagePage(List<PullFrame> frames, int index) {
        List<PullFrame> edited = new ArrayList<>(frames);
        PulledPage page = (PulledPage) edited.get(index + 1);
        byte[] garbage = new byte[PulledPage.PAGE_SIZE];
        java.util.Arrays.fill(garbage, (byte) 0x7f);
        edited.set(index + 1, new PulledPage(page.pageId(), ByteString.copyFrom(garbage)));
        return List.copyOf(edited);
    }
}
