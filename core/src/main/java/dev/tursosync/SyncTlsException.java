package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The server refused the TLS handshake or the client refused the server's certificate: it is not trusted or was not
 * issued for the host in the URL, or no protocol or cipher is common. Not transient: retrying cannot help until the
 * configuration changes (trust the server's certificate with {@code SyncClient.Builder#trustCertificates}, or fix the
 * URL). A handshake that timed out is a transient {@link SyncTimeoutException} or {@link SyncTransportException}.
 */
public final class SyncTlsException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what failed, with the endpoint and the server address
     * @param cause   the TLS error
     */
    public SyncTlsException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
