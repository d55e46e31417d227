package dev.tursosync.internal.sqlite;

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
 *       {@link #putRowid(Object[], int, Long)};</li>
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
        Object[] values = new Object[columnCount(payload, 0, payload.length)];
        decodeInto(payload, 0, payload.length, encoding, values);
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    /**
     * Decodes a record that is part of a larger array into a caller's array: value {@code i} goes to
     * {@code target[i]} when {@code i < target.length}; values beyond the target are checked but not kept, and target
     * slots beyond the record's values are left as they are.
     *
     * @param bytes    the array holding the record
     * @param offset   where the record starts
     * @param length   the record's size
     * @param encoding the database text encoding
     * @param target   where the values go
     * @return the number of values in the record
     * @throws SqliteFormatException if the header or a body runs past the record, or a serial type is 10 or 11
     */
    public static int decodeInto(byte[] bytes, int offset, int length, TextEncoding encoding, Object[] target) {
        int end = offset + length;
        int headerEnd = headerEnd(bytes, offset, end);
        int at = offset + (bytes[offset] >= 0 ? 1 : SqliteVarint.length(bytes, offset, end));
        int body = headerEnd;
        int count = 0;
        int headerLimit = Math.min(headerEnd, bytes.length);
        while (at < headerEnd) {
            long serialType;
            int first = at < headerLimit ? bytes[at] : -1;
            if (first >= 0) {
                serialType = first;
                at++;
            } else if (at + 1 < headerLimit && bytes[at + 1] >= 0) {
                serialType = ((first & 0x7f) << 7) | bytes[at + 1];
                at += 2;
            } else {
                serialType = SqliteVarint.read(bytes, at, headerEnd);
                at += SqliteVarint.length(bytes, at, headerEnd);
            }
            long size = contentSize(serialType);
            if (size > end - body) {
                throw new SqliteFormatException("record column " + count + " (serial type " + serialType
                        + ") runs past the record end");
            }
            if (count < target.length) {
                target[count] = value(serialType, bytes, body, (int) size, encoding);
            }
            body += (int) size;
            count++;
        }
        return count;
    }

    /**
     * The index key of a table row: the values at {@code positions} of the row's record, followed by its rowid, as a
     * record that {@link IndexKeyComparator} compares with the entries of an index of that table.
     *
     * @param row       the row's whole record
     * @param positions the record position of each index column
     * @param rowid     the row's rowid
     * @return the key, or {@code null} when the record has fewer columns than a position needs (a column added
     *         later, whose value is its default)
     * @throws SqliteFormatException if the record is malformed
     */
    public static byte[] project(byte[] row, int[] positions, long rowid) {
        int headerEnd = headerEnd(row, 0, row.length);
        int count = columnCount(row, 0, row.length);
        long[] types = new long[count];
        int[] starts = new int[count];
        int at = SqliteVarint.length(row, 0, row.length);
        int body = headerEnd;
        for (int i = 0; i < count; i++) {
            types[i] = SqliteVarint.read(row, at, headerEnd);
            at += SqliteVarint.length(row, at, headerEnd);
            long size = contentSize(types[i]);
            if (size > row.length - body) {
                throw new SqliteFormatException("record column " + i + " runs past the record end");
            }
            starts[i] = body;
            body += (int) size;
        }
        int headerBytes = 1;
        int contentBytes = 8;
        for (int position : positions) {
            if (position >= count) {
                return null;
            }
            headerBytes += SqliteVarint.encodedLength(types[position]);
            contentBytes += (int) contentSize(types[position]);
        }
        int headerSize = headerBytes + 1;
        if (SqliteVarint.encodedLength(headerSize) > 1) {
            headerSize++;
        }
        byte[] key = new byte[SqliteVarint.encodedLength(headerSize) + headerBytes + contentBytes];
        int out = SqliteVarint.write(headerSize, key, 0);
        for (int position : positions) {
            out = SqliteVarint.write(types[position], key, out);
        }
        key[out++] = 6;
        for (int position : positions) {
            int size = (int) contentSize(types[position]);
            System.arraycopy(row, starts[position], key, out, size);
            out += size;
        }
        for (int shift = 56; shift >= 0; shift -= 8) {
            key[out++] = (byte) (rowid >>> shift);
        }
        return key;
    }

    /** The number of serial types in a record's header. */
    static int columnCount(byte[] bytes, int offset, int end) {
        int headerEnd = headerEnd(bytes, offset, end);
        int count = 0;
        for (int at = offset + SqliteVarint.length(bytes, offset, end); at < headerEnd; count++) {
            at += SqliteVarint.length(bytes, at, headerEnd);
        }
        return count;
    }

    /** Where the header of the record at {@code offset} ends, validated against the record's end. */
    static int headerEnd(byte[] bytes, int offset, int end) {
        int length = end - offset;
        if (offset >= 0 && offset < end && offset < bytes.length) {
            int first = bytes[offset];
            if (first >= 1 && first <= length) {
                return offset + first;
            }
        }
        long headerSize = SqliteVarint.read(bytes, offset, end);
        if (headerSize < 1 || headerSize > length) {
            throw new SqliteFormatException("record header size " + headerSize + " outside record of " + length
                    + " bytes");
        }
        if (SqliteVarint.length(bytes, offset, end) > headerSize) {
            throw new SqliteFormatException("record header size " + headerSize + " smaller than its own varint");
        }
        return offset + (int) headerSize;
    }

    /**
     * The serial types of a record's columns, from its header only.
     *
     * @param payload the record
     * @return one serial type per column
     * @throws SqliteFormatException if the header is malformed
     */
    public static long[] serialTypes(byte[] payload) {
        int headerEnd = headerEnd(payload, 0, payload.length);
        long[] types = new long[columnCount(payload, 0, payload.length)];
        int at = SqliteVarint.length(payload, 0, payload.length);
        for (int i = 0; i < types.length; i++) {
            types[i] = SqliteVarint.read(payload, at, headerEnd);
            at += SqliteVarint.length(payload, at, headerEnd);
        }
        return types;
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
     * Puts the rowid in place of the NULL that SQLite stores for the {@code INTEGER PRIMARY KEY} (rowid alias)
     * column. {@code tursodb} may store the rowid itself there (seen for rows written by {@code INSERT OR REPLACE}),
     * which is accepted too.
     *
     * @param values      decoded record values, changed in place
     * @param aliasColumn the index of the rowid-alias column in the table's column list
     * @param rowid       the cell's rowid
     * @throws IllegalArgumentException if there is no such column or the value there is neither NULL nor the rowid
     *                                  (the column is then not the rowid alias)
     */
    public static void putRowid(Object[] values, int aliasColumn, Long rowid) {
        if (aliasColumn < 0 || aliasColumn >= values.length) {
            throw new IllegalArgumentException("rowid alias column " + aliasColumn + " outside record of "
                    + values.length + " values");
        }
        Object stored = values[aliasColumn];
        if (stored != null && !stored.equals(rowid)) {
            throw new IllegalArgumentException("column " + aliasColumn + " holds " + stored + ", not NULL or the rowid "
                    + rowid + ", so it is not a rowid alias");
        }
        values[aliasColumn] = rowid;
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
