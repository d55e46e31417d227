package dev.tursosync.internal.client;

import dev.tursosync.internal.meta.MetadataStore;
import dev.tursosync.internal.meta.SyncMetadata;
import java.util.function.UnaryOperator;

/**
 * The one writer of an open replica's metadata: every change (a pull recorded, a push recorded, an old pending pull
 * dropped) goes durably to {@code <db>-info} first, then becomes the current value. Changes run on database threads
 * inside an operation's turn, so two never race.
 */
final class ReplicaMetadata {

    private final MetadataStore store;
    private volatile SyncMetadata current;

    ReplicaMetadata(MetadataStore store, SyncMetadata initial) {
        this.store = store;
        this.current = initial;
    }

    /** The metadata as last recorded. */
    SyncMetadata current() {
        return current;
    }

    /**
     * Records a change: written atomically and durably, then current.
     *
     * @param change the new metadata from the current one
     * @return the recorded metadata
     */
    SyncMetadata record(UnaryOperator<SyncMetadata> change) {
        SyncMetadata changed = change.apply(current);
        store.write(changed);
        current = changed;
        return changed;
    }
}
