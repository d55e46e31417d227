package dev.tursosync;

import java.util.List;

/**
 * What one {@link SyncClient#sync()} did: a push, then a pull.
 *
 * @param push   the push
 * @param pulled the change events of the pull (also emitted on {@link SyncClient#changes()})
 */
public record SyncResult(PushResult push, List<ChangeEvent> pulled) {

    /**
     * Copies.
     *
     * @param push   the push
     * @param pulled the change events of the pull (also emitted on {@link SyncClient#changes()})
     */
    public SyncResult {
        pulled = List.copyOf(pulled);
    }
}
