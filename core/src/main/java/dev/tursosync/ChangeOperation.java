package dev.tursosync;

/**
 * What happened to a row, or to a whole table, in a pull.
 */
public enum ChangeOperation {
    /** A row that did not exist before. */
    INSERT,
    /** A row whose values changed; the event carries old and new values. */
    UPDATE,
    /** A row that no longer exists; the event carries its old values. */
    DELETE,
    /**
     * The table was replaced wholesale (bootstrap, created or dropped remotely, or rewritten beyond the configured
     * share): re-read it instead of applying row events.
     */
    RESET
}
