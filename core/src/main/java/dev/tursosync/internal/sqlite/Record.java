package dev.tursosync.internal.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Decoder of the SQLite record format: a header (its own size as a varint, then one serial type varint per column)
 * followed by the column bodies.
 *
 * <p>Values become Java objects: {@code null}; {@link Long} (serial types 1-6, big-endian two's complement of 1, 2,
 * 3, 4, 6 or 8 bytes; 8 is the constant 0 and 9 the constant 1); {@link Double} (7, big-endian IEEE 754);
 * {@link String} (odd types from 13, in the database text encoding); {@code byte[]} (even types from 12).
 *
 * <p>Two things the record alone does not say, which callers must apply from the schema:
 * <ul>
 *   <li>the rowid-alias column of an {@code INTEGER PRIMARY KEY} table is stored as NULL; see
 *       {@link #withRowid(List, int, long)};</li>
 *   <li>a column with REAL affinity may hold an integral value stored as an integer (SQLite's space optimisation),
 *       which decodes as a {@link Long}; and a record may have fewer values than the table has columns (columns
 *       added later by ALTER TABLE), the missing ones taking their default.</li>
 * </ul>
 *
 * <p>The name shadows {@code java.lang.Record} inside this package.
 */
public final class Record {

    private Record() {
    }

    /**
     * Decodes a record into its values.
     *
     * @param payload  the whole record (cell payload with overflow assembled)
     * @param encoding the database text encoding
     * @return the values in column order, as an unmodifiable list that may contain nulls
     * @throws SqliteFormatException if the header or a body runs past the record, or a serial type is 10 or 11
     */
    public static List<Object> decode(byte[] payload, TextEncoding encoding) {
        int length = payload.length;
        long headerSize = SqliteVarint.read(payload, 0, length);
        if (headerSize < 1 || headerSize > length) {
            throw new SqliteFormatException("record header size " + headerSize + " outside record of " + length
                    + " bytes");
        }
        int headerEnd = (int) headerSize;
        int at = SqliteVarint.length(payload, 0, length);
        if (at > headerEnd) {
            throw new SqliteFormatException("record header size " + headerSize + " smaller than its own varint");
        }
        int body = headerEnd;
        List<Object> values = new ArrayList<>();
        while (at < headerEnd) {
            long serialType = SqliteVarint.read(payload, at, headerEnd);
            at += SqliteVarint.length(payload, at, headerEnd);
            long size = contentSize(serialType);
            if (size > length - body) {
                throw new SqliteFormatException("record column " + values.size() + " (serial type " + serialType
                        + ") runs past the record end");
            }
            values.add(value(serialType, payload, body, (int) size, encoding));
            body += (int) size;
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * The serial types of a record's columns, from its header only.
     *
     * @param payload the record
     * @return one serial type per column
     * @throws SqliteFormatException if the header is malformed
     */
    public static long[] serialTypes(byte[] payload) {
        long headerSize = SqliteVarint.read(payload, 0, payload.length);
        if (headerSize < 1 || headerSize > payload.length) {
            throw new SqliteFormatException("record header size " + headerSize + " outside record of "
                    + payload.length + " bytes");
        }
        int headerEnd = (int) headerSize;
        int at = SqliteVarint.length(payload, 0, payload.length);
        long[] types = new long[Math.max(0, headerEnd - at)];
        int count = 0;
        while (at < headerEnd) {
            types[count++] = SqliteVarint.read(payload, at, headerEnd);
            at += SqliteVarint.length(payload, at, headerEnd);
        }
        return Arrays.copyOf(types, count);
    }

    /**
     * The body size of a serial type.
     *
     * @param serialType the serial type
     * @return the number of body bytes
     * @throws SqliteFormatException for the reserved types 10 and 11 and for negative types
     */
    public static long contentSize(long serialType) {
        if (serialType < 0) {
            throw new SqliteFormatException("invalid serial type " + Long.toUnsignedString(serialType));
        }
        if (serialType >= 12) {
            return (serialType - 12) / 2;
        }
        switch ((int) serialType) {
            case 0:
            case 8:
            case 9:
                return 0;
            case 1:
                return 1;
            case 2:
                return 2;
            case 3:
                return 3;
            case 4:
                return 4;
            case 5:
                return 6;
            case 6:
            case 7:
                return 8;
            default:
                throw new SqliteFormatException("reserved serial type " + serialType);
        }
    }

    /**
     * The values with the rowid put in place of the value stored for the {@code INTEGER PRIMARY KEY} (rowid alias)
     * column. SQLite stores NULL there and never reads the stored value (it reads the rowid), so whatever is stored
     * is replaced: {@code tursodb} 0.7.0 stores the key itself when an upsert's {@code DO UPDATE} rewrites a row.
     *
     * @param values      decoded record values
     * @param aliasColumn the index of the rowid-alias column in the table's column list
     * @param rowid       the cell's rowid
     * @return a new unmodifiable list
     * @throws IllegalArgumentException if the record has no such column
     */
    public static List<Object> withRowid(List<Object> values, int aliasColumn, long rowid) {
        if (aliasColumn < 0 || aliasColumn >= values.size()) {
            throw new IllegalArgumentException("rowid alias column " + aliasColumn + " outside record of "
                    + values.size() + " values");
        }
        Object[] copy = values.toArray();
        copy[aliasColumn] = rowid;
        return Collections.unmodifiableList(Arrays.asList(copy));
    }

    private static Object value(long serialType, byte[] b, int offset, int size, TextEncoding encoding) {
        if (serialType >= 12) {
            if ((serialType & 1) == 0) {
                return Arrays.copyOfRange(b, offset, offset + size);
            }
            return new String(b, offset, size, encoding.charset());
        }
        switch ((int) serialType) {
            case 0:
                return null;
            case 7:
                return Double.longBitsToDouble(bigEndian(b, offset, 8));
            case 8:
                return 0L;
            case 9:
                return 1L;
            default:
                return signed(b, offset, size);
        }
    }

    private static long signed(byte[] b, int offset, int size) {
        long v = bigEndian(b, offset, size);
        int unusedBits = 64 - 8 * size;
        return (v << unusedBits) >> unusedBits;
    }

    private static long bigEndian(byte[] b, int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (b[offset + i] & 0xff);
        }
        return v;
    }
}
