package dev.tursosync;

/**
 * The TLS handshake with the server failed: its certificate is not trusted or was not issued for the host in the
 * URL, or the server does not speak TLS. Not transient: retrying cannot help until the configuration changes (trust
 * the server's certificate with {@code SyncClient.Builder#trustCertificates}, or fix the URL).
 */
public final class SyncTlsException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what failed, with the endpoint and the server address
     * @param cause   the TLS error
     */
    public SyncTlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
