package dev.tursosync.testing;

/**
 * How a {@link CloudGateway} shows the server's revisions to clients. {@code tursodb --sync-server} uses decimal WAL
 * frame numbers; Turso Cloud's revisions are opaque strings of another shape. A client must store and echo them
 * without reading them, which the non-{@link #AS_IS} styles check.
 */
public enum RevisionStyle {

    /** The server's own revisions, passed through. */
    AS_IS,

    /**
     * A JSON object, as in the sync engine's tests: {@code {"generation":1,"wal_fragment_no":8}} for the server's
     * {@code 8}. Quotes and braces test that metadata and logs escape it.
     */
    JSON_OBJECT,

    /**
     * A long standard-base64 string (about 90 characters, which may hold {@code +}, {@code /} and {@code =})
     * that hides the server's revision.
     */
    BASE64
}
