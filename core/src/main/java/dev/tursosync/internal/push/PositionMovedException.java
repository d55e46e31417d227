package dev.tursosync.internal.push;

import dev.tursosync.RemoteSqlException;
import org.jspecify.annotations.Nullable;

/**
 * A push batch's position guard failed: the remote did not hold the position the batch expected, so nothing of the
 * batch was committed. A push that started from the position its client remembered reads the position again and goes
 * on; one that had just read it reports this to its caller.
 */
final class PositionMovedException extends RemoteSqlException {

    private static final long serialVersionUID = 1L;

    PositionMovedException(String context, String remoteMessage, @Nullable String code) {
        super(context, remoteMessage, code);
    }
}
