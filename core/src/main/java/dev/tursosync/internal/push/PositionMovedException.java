package dev.tursosync.internal.push;

import dev.tursosync.RemoteSqlException;
import org.jspecify.annotations.Nullable;

/**
 * A push batch's position guard failed: the remote did not hold the position the batch expected, so nothing of the
 * batch was committed. The push reads the position again and goes on from it (a remembered position another process
 * moved, a late batch of a push that was given up); it reports this to its caller only when it had read the position
 * it started from and the new read is not later (a late batch only moves the position forward).
 */
final class PositionMovedException extends RemoteSqlException {

    private static final long serialVersionUID = 1L;

    PositionMovedException(String context, String remoteMessage, @Nullable String code) {
        super(context, remoteMessage, code);
    }
}
