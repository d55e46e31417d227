package dev.tursosync.internal.sqlite;

import java.util.Arrays;
import java.util.List;

/** One row of a table leaf page: rowid, assembled payload, its overflow pages, and the decoded values. */
public final class LeafRow {

    private final long rowid;
    private final byte[] payload;
    private final List<Long> overflowPages;
    private final TextEncoding encoding;
    private volatile List<Object> values;

    LeafRow(long rowid, byte[] payload, List<Long> overflowPages, TextEncoding encoding) {
        this.rowid = rowid;
        this.payload = payload;
        this.overflowPages = List.copyOf(overflowPages);
        this.encoding = encoding;
    }

    /**
     * The rowid.
     *
     * @return the rowid
     */
    public long rowid() {
        return rowid;
    }

    /**
     * A copy of the whole record payload.
     *
     * @return the payload bytes
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The payload size.
     *
     * @return bytes
     */
    public int payloadSize() {
        return payload.length;
    }

    /**
     * Whether two rows have byte-identical payloads (the cheap test for "row unchanged"; the rowid is not
     * compared).
     *
     * @param other the other row
     * @return true if the payloads are equal
     */
    public boolean samePayload(LeafRow other) {
        return Arrays.equals(payload, other.payload);
    }

    /**
     * The overflow pages holding the payload beyond the leaf page, in chain order.
     *
     * @return page numbers, empty when the payload is local
     */
    public List<Long> overflowPages() {
        return overflowPages;
    }

    /**
     * The decoded record values, decoded on first use. For an {@code INTEGER PRIMARY KEY} table the alias column
     * is usually NULL (SQLite reads the rowid instead); see {@link Record#withRowid(List, int, long)}.
     *
     * @return the values in column order (unmodifiable, may contain nulls)
     * @throws SqliteFormatException if the record is malformed
     */
    public List<Object> values() {
        List<Object> decoded = values;
        if (decoded == null) {
            decoded = Record.decode(payload, encoding);
            values = decoded;
        }
        return decoded;
    }

    @Override
    public String toString() {
        return "LeafRow[rowid=" + rowid + ", payloadSize=" + payload.length
                + (overflowPages.isEmpty() ? "" : ", overflowPages=" + overflowPages) + "]";
    }
}
