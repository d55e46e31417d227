package dev.tursosync.internal.capture;

/**
 * Names of the objects change capture keeps in the user's database. They share the reserved prefix
 * {@value #PREFIX}: user tables must not use it.
 */
public final class CaptureNames {

    /** The reserved prefix of every object the client creates locally. */
    public static final String PREFIX = "tursosync_";
    /** The change log: one row per captured change, written in the same transaction as the change. */
    public static final String LOG = "tursosync_changes";
    /** Where pushes of earlier pull generations end in the log's current numbering ({@link CarriedPositions}). */
    public static final String CARRIED = "tursosync_carried";
    /** The last schema the capture saw, to tell which DDL ran since. */
    public static final String SCHEMA = "tursosync_schema";
    /** The SQL function that numbers local transactions. */
    public static final String TXN_FUNCTION = "tursosync_txn";
    /** The remote bookkeeping table shared with the official clients. */
    public static final String BOOKKEEPING = "turso_sync_last_change_id";

    private CaptureNames() {
    }

    /**
     * Whether changes to this object are never captured, pushed or reported: SQLite's own objects, the client's
     * objects, the bookkeeping table and the official clients' local objects.
     *
     * @param name an object name from the schema
     * @return whether it is internal
     */
    public static boolean isInternal(String name) {
        return name.startsWith(PREFIX) || name.startsWith("sqlite_") || name.equals(BOOKKEEPING)
                || name.startsWith("__turso_internal_") || name.equals("turso_cdc")
                || name.equals("turso_cdc_version");
    }
}
