package dev.tursosync.internal.transport;

import dev.tursosync.SyncAuthenticationException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.SyncServerException;
import dev.tursosync.SyncTimeoutException;
import dev.tursosync.SyncTlsException;
import dev.tursosync.SyncTransportException;
import dev.tursosync.TursoSyncException;
import io.netty.channel.ChannelException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Turns HTTP statuses and network failures into the public error types. Messages name the endpoint and the server
 * address, never a header.
 */
final class TransportErrors {

    private TransportErrors() {
    }

    static TursoSyncException forStatus(String operation, int status, String bodyExcerpt) {
        if (status == 401 || status == 403) {
            return new SyncAuthenticationException(status, bodyExcerpt);
        }
        return new SyncServerException(operation, status, bodyExcerpt);
    }

    /**
     * Maps a network error; other errors are returned unchanged.
     */
    static Throwable forFailure(String operation, RemoteUrl url, String silence, Throwable error) {
        if (error instanceof TursoSyncException) {
            return error;
        }
        String where = operation + " to " + url.authority();
        if (error instanceof ReadTimeoutException || error instanceof TimeoutException) {
            return new SyncTimeoutException(where + ": " + silence, error);
        }
        if (error instanceof io.netty.channel.ConnectTimeoutException) {
            return new SyncTimeoutException(where + ": could not connect in time", error);
        }
        SSLHandshakeException tls = handshakeRefused(error);
        if (tls != null) {
            return new SyncTlsException(where + ": the TLS handshake failed (" + tls.getMessage()
                    + "); if the server's certificate is right, trust it with trustCertificates(...)", error);
        }
        if (error instanceof PrematureCloseException || error instanceof PrematureChannelClosureException) {
            return new SyncTransportException(where + ": the connection closed before the reply was complete", error);
        }
        if (error instanceof DecoderException) {
            return new SyncProtocolException(where + ": the reply is not well-formed HTTP (" + error.getMessage()
                    + ")", error);
        }
        if (error instanceof ConnectException) {
            return new SyncTransportException(where + ": connection refused", error);
        }
        if (error instanceof IOException || error instanceof ChannelException) {
            return new SyncTransportException(where + ": " + error.getMessage(), error);
        }
        return error;
    }

    /**
     * The failed TLS handshake behind a failure, if any (Netty may wrap it): a certificate not trusted or not issued
     * for the host, or no common protocol. A handshake that timed out, and TLS errors after the handshake (a
     * connection cut mid-reply), stay transient transport errors.
     */
    private static SSLHandshakeException handshakeRefused(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SslHandshakeTimeoutException) {
                return null;
            }
            if (cause instanceof SSLHandshakeException tls) {
                return tls;
            }
            if (cause.getCause() == cause) {
                return null;
            }
        }
        return null;
    }
}
