package dev.tursosync.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one protobuf message, kept as raw bytes in wire order, so that a few of them can be read or replaced
 * and the message written back unchanged otherwise. Enough of the wire format for the gateway: varints and
 * length-delimited fields (the sync protocol's messages use nothing else), and the length-delimited framing of a
 * {@code /pull-updates} reply.
 */
final class ProtoFields {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    /** One field: its tag and its encoded value (without the tag). */
    private record Field(int number, int wireType, byte[] value) {
    }

    private final List<Field> fields;

    private ProtoFields(List<Field> fields) {
        this.fields = fields;
    }

    /**
     * Parses a message.
     *
     * @throws IllegalArgumentException if the bytes are not a protobuf message
     */
    static ProtoFields parse(byte[] message) {
        Reader reader = new Reader(message, 0, message.length);
        List<Field> fields = new ArrayList<>();
        while (reader.hasMore()) {
            long tag = reader.varint();
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            int start = reader.position;
            switch (wireType) {
                case VARINT -> reader.varint();
                case FIXED64 -> reader.skip(8);
                case LENGTH_DELIMITED -> {
                    int length = (int) reader.varint();
                    start = reader.position;
                    reader.skip(length);
                }
                case FIXED32 -> reader.skip(4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
            fields.add(new Field(number, wireType, java.util.Arrays.copyOfRange(message, start, reader.position)));
        }
        return new ProtoFields(fields);
    }

    /** The last value of a string field, or {@code ""} when absent. */
    String string(int number) {
        String value = "";
        for (Field field : fields) {
            if (field.number == number && field.wireType == LENGTH_DELIMITED) {
                value = new String(field.value, StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    /** The last value of a varint field, or 0 when absent. */
    long varint(int number) {
        long value = 0;
        for (Field field : fields) {
            if (field.number == number && field.wireType == VARINT) {
                value = new Reader(field.value, 0, field.value.length).varint();
            }
        }
        return value;
    }

    /** A copy where every occurrence of a string field holds another value (absent fields stay absent). */
    ProtoFields withString(int number, String value) {
        List<Field> copy = new ArrayList<>(fields.size());
        for (Field field : fields) {
            copy.add(field.number == number && field.wireType == LENGTH_DELIMITED
                    ? new Field(number, LENGTH_DELIMITED, value.getBytes(StandardCharsets.UTF_8))
                    : field);
        }
        return new ProtoFields(copy);
    }

    /** The message's bytes. */
    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            writeVarint(out, ((long) field.number << 3) | field.wireType);
            if (field.wireType == LENGTH_DELIMITED) {
                writeVarint(out, field.value.length);
            }
            out.writeBytes(field.value);
        }
        return out.toByteArray();
    }

    /**
     * The first message of a stream of length-delimited messages, and where the rest begins.
     *
     * @param message the first message
     * @param rest    the offset of the next message's length
     */
    record Leading(ProtoFields message, int rest) {

        /** The stream with this (possibly changed) first message and the original rest. */
        byte[] replaceIn(byte[] stream) {
            byte[] first = message.encode();
            ByteArrayOutputStream out = new ByteArrayOutputStream(stream.length + 16);
            writeVarint(out, first.length);
            out.writeBytes(first);
            out.write(stream, rest, stream.length - rest);
            return out.toByteArray();
        }
    }

    /**
     * Reads the first message of a stream of length-delimited messages.
     *
     * @throws IllegalArgumentException if the stream does not start with a whole message
     */
    static Leading leading(byte[] stream) {
        Reader reader = new Reader(stream, 0, stream.length);
        int length = (int) reader.varint();
        int start = reader.position;
        reader.skip(length);
        return new Leading(parse(java.util.Arrays.copyOfRange(stream, start, start + length)), reader.position);
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    private static final class Reader {

        private final byte[] bytes;
        private final int end;
        private int position;

        Reader(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = bytes[position++];
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        void skip(int count) {
            if (count < 0 || count > end - position) {
                throw new IllegalArgumentException("truncated field");
            }
            position += count;
        }
    }
}
