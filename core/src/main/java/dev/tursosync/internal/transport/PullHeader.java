package dev.tursosync.internal.transport;

import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;

/**
 * The header of a page stream: the revision the pages belong to and the database size at that revision.
 *
 * @param proto the decoded header message
 */
public record PullHeader(PullUpdatesRespProtoBody proto) implements PullFrame {

    /**
     * The server revision of this snapshot (opaque: store it and send it back, never parse it).
     *
     * @return the revision
     */
    public String revision() {
        return proto.getServerRevision();
    }

    /**
     * The database size in 4096-byte pages at this revision.
     *
     * @return the page count
     */
    public long databaseSizePages() {
        return proto.getDbSize();
    }
}
