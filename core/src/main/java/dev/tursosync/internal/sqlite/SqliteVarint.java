package dev.tursosync.internal.sqlite;

/**
 * SQLite's variable-length integer: 1 to 9 bytes, big-endian, seven bits per byte with the high bit meaning "more
 * follows", except that a ninth byte contributes all eight bits. This is not the protobuf varint.
 */
public final class SqliteVarint {

    /** The longest encoding in bytes. */
    public static final int MAX_LENGTH = 9;

    private SqliteVarint() {
    }

    /**
     * Decodes the varint that starts at {@code offset}.
     *
     * @param bytes  the buffer
     * @param offset where the varint starts
     * @param limit  the first offset the varint may not reach (exclusive end of the enclosing structure)
     * @return the value; nine-byte varints may be negative
     * @throws SqliteFormatException if the varint would run past {@code limit}
     */
    public static long read(byte[] bytes, int offset, int limit) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            int b = byteAt(bytes, offset + i, offset, limit);
            value = (value << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return (value << 8) | byteAt(bytes, offset + 8, offset, limit);
    }

    /**
     * Encodes a value.
     *
     * @param value the value (as an unsigned 64-bit number)
     * @return its 1 to 9 bytes
     */
    public static byte[] encode(long value) {
        if ((value & 0xff00000000000000L) != 0) {
            byte[] bytes = new byte[MAX_LENGTH];
            bytes[8] = (byte) value;
            long rest = value >>> 8;
            for (int i = 7; i >= 0; i--) {
                bytes[i] = (byte) ((rest & 0x7f) | 0x80);
                rest >>>= 7;
            }
            return bytes;
        }
        int length = 1;
        for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
            length++;
        }
        byte[] bytes = new byte[length];
        long rest = value;
        for (int i = length - 1; i >= 0; i--) {
            bytes[i] = (byte) ((rest & 0x7f) | (i == length - 1 ? 0 : 0x80));
            rest >>>= 7;
        }
        return bytes;
    }

    /**
     * The length in bytes of the varint that starts at {@code offset}.
     *
     * @param bytes  the buffer
     * @param offset where the varint starts
     * @param limit  the first offset the varint may not reach
     * @return 1 to 9
     * @throws SqliteFormatException if the varint would run past {@code limit}
     */
    public static int length(byte[] bytes, int offset, int limit) {
        for (int i = 0; i < 8; i++) {
            if ((byteAt(bytes, offset + i, offset, limit) & 0x80) == 0) {
                return i + 1;
            }
        }
        byteAt(bytes, offset + 8, offset, limit);
        return MAX_LENGTH;
    }

    private static int byteAt(byte[] bytes, int index, int start, int limit) {
        if (start < 0 || index >= limit || index >= bytes.length) {
            throw new SqliteFormatException("varint at offset " + start + " runs past offset " + Math.min(limit, bytes.length));
        }
        return bytes[index] & 0xff;
    }
}
