package dev.tursosync.internal.hrana;

/**
 * An error reported in band by the server.
 *
 * @param message the message
 * @param code    the error code, possibly {@code null}
 */
public record HranaError(String message, String code) {
}
