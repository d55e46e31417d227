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
        int end = Math.min(limit, bytes.length);
        if (offset < 0) {
            throw runsPast(bytes, offset, limit);
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            if (offset + i >= end) {
                throw runsPast(bytes, offset, limit);
            }
            int b = bytes[offset + i];
            value = (value << 7) | (b & 0x7f);
            if (b >= 0) {
                return value;
            }
        }
        if (offset + 8 >= end) {
            throw runsPast(bytes, offset, limit);
        }
        return (value << 8) | (bytes[offset + 8] & 0xff);
    }

    /**
     * The number of bytes {@link #encode(long)} takes for a value.
     *
     * @param value the value (as an unsigned 64-bit number)
     * @return 1 to 9
     */
    public static int encodedLength(long value) {
        if ((value & 0xff00000000000000L) != 0) {
            return MAX_LENGTH;
        }
        int length = 1;
        for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
            length++;
        }
        return length;
    }

    /**
     * Writes a value's encoding, the bytes {@link #encode(long)} returns, into an array.
     *
     * @param value  the value (as an unsigned 64-bit number)
     * @param target the array
     * @param offset where the encoding starts
     * @return the offset after it
     */
    public static int write(long value, byte[] target, int offset) {
        if ((value & 0xff00000000000000L) != 0) {
            target[offset + 8] = (byte) value;
            long rest = value >>> 8;
            for (int i = 7; i >= 0; i--) {
                target[offset + i] = (byte) ((rest & 0x7f) | 0x80);
                rest >>>= 7;
            }
            return offset + MAX_LENGTH;
        }
        int length = encodedLength(value);
        long rest = value;
        for (int i = length - 1; i >= 0; i--) {
            target[offset + i] = (byte) ((rest & 0x7f) | (i == length - 1 ? 0 : 0x80));
            rest >>>= 7;
        }
        return offset + length;
    }

    /**
     * Encodes a value.
     *
     * @param value the value (as an unsigned 64-bit number)
     * @return its 1 to 9 bytes
     */
    public static byte[] encode(long value) {
        byte[] bytes = new byte[encodedLength(value)];
        write(value, bytes, 0);
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
        int end = Math.min(limit, bytes.length);
        if (offset < 0) {
            throw runsPast(bytes, offset, limit);
        }
        for (int i = 0; i < 8; i++) {
            if (offset + i >= end) {
                throw runsPast(bytes, offset, limit);
            }
            if (bytes[offset + i] >= 0) {
                return i + 1;
            }
        }
        if (offset + 8 >= end) {
            throw runsPast(bytes, offset, limit);
        }
        return MAX_LENGTH;
    }

    private static SqliteFormatException runsPast(byte[] bytes, int offset, int limit) {
        return new SqliteFormatException("varint at offset " + offset + " runs past offset "
                + Math.min(limit, bytes.length));
    }
}
