package dev.tursosync.internal.meta;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The layout of {@code <db>-info} that is rewritten in place: two slots of {@value #SLOT_BYTES} bytes, each a text
 * line {@code tursosync-info v2 <sequence> <length> <crc32c>} (hexadecimal) followed by the metadata's JSON and
 * padding. A write goes to the slot that does not hold the latest metadata and is forced once; a crash during it
 * can only damage that slot, whose checksum then fails, so the other slot, the previous metadata, is read. A slot is
 * a whole 4096-byte block of the file, so writing one never touches the other.
 */
final class MetadataSlots {

    /** The bytes of one slot. */
    static final int SLOT_BYTES = 4096;

    /** The bytes of the whole file. */
    static final int FILE_BYTES = 2 * SLOT_BYTES;

    private static final byte[] MAGIC = "tursosync-info v2 ".getBytes(StandardCharsets.US_ASCII);
    private static final int SEQUENCE_DIGITS = 16;
    private static final int NUMBER_DIGITS = 8;
    /** Magic, sequence, space, length, space: the part the checksum covers with the body. */
    private static final int CHECKED_HEADER = MAGIC.length + SEQUENCE_DIGITS + 1 + NUMBER_DIGITS + 1;
    private static final int HEADER = CHECKED_HEADER + NUMBER_DIGITS + 1;

    /** The most JSON a slot holds; larger metadata is written as a whole file of plain JSON. */
    static final int MAX_BODY = SLOT_BYTES - HEADER - 1;

    private MetadataSlots() {
    }

    /**
     * One valid slot.
     *
     * @param index    0 or 1
     * @param sequence its sequence number: the larger is the later write
     * @param body     the JSON
     */
    record Slot(int index, long sequence, byte[] body) {
    }

    /**
     * Whether the file's content is in this layout (else it is plain JSON, as written before, or damaged): the
     * file's size, and either slot's marker. A torn write keeps its slot's marker (the old and the new bytes both
     * begin with it), and a slot damaged otherwise still leaves the other's.
     *
     * @param content the whole file
     * @return whether it is in this layout
     */
    static boolean isSlotted(byte[] content) {
        return content.length == FILE_BYTES && (Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || Arrays.equals(content, SLOT_BYTES, SLOT_BYTES + MAGIC.length, MAGIC, 0, MAGIC.length));
    }

    /**
     * The slot with the latest valid metadata.
     *
     * @param content the whole file
     * @return the slot; empty when neither slot is whole
     */
    static Optional<Slot> latest(byte[] content) {
        Optional<Slot> first = slot(content, 0);
        Optional<Slot> second = slot(content, 1);
        if (first.isEmpty()) {
            return second;
        }
        if (second.isEmpty()) {
            return first;
        }
        return second.get().sequence() > first.get().sequence() ? second : first;
    }

    /**
     * A new file: the metadata in the first slot, the second empty.
     *
     * @param body the JSON, at most {@link #MAX_BODY} bytes
     * @return the file's content
     */
    static byte[] newFile(byte[] body) {
        byte[] content = new byte[FILE_BYTES];
        Arrays.fill(content, (byte) ' ');
        System.arraycopy(slotBytes(1, body), 0, content, 0, SLOT_BYTES);
        content[FILE_BYTES - 1] = '\n';
        return content;
    }

    /**
     * One slot's bytes.
     *
     * @param sequence the write's sequence number, one more than the latest slot's
     * @param body     the JSON, at most {@link #MAX_BODY} bytes
     * @return {@value #SLOT_BYTES} bytes
     */
    static byte[] slotBytes(long sequence, byte[] body) {
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("metadata of " + body.length + " bytes does not fit a slot");
        }
        byte[] slot = new byte[SLOT_BYTES];
        Arrays.fill(slot, (byte) ' ');
        String header = new String(MAGIC, StandardCharsets.US_ASCII) + hex(sequence, SEQUENCE_DIGITS) + " "
                + hex(body.length, NUMBER_DIGITS) + " ";
        byte[] checked = header.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checked, 0, slot, 0, CHECKED_HEADER);
        byte[] checksum = (hex(checksum(checked, body), NUMBER_DIGITS) + "\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, slot, CHECKED_HEADER, checksum.length);
        System.arraycopy(body, 0, slot, HEADER, body.length);
        slot[SLOT_BYTES - 1] = '\n';
        return slot;
    }

    private static Optional<Slot> slot(byte[] content, int index) {
        int start = index * SLOT_BYTES;
        if (content.length < start + SLOT_BYTES
                || !Arrays.equals(content, start, start + MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        int at = start + MAGIC.length;
        long sequence = parseHex(content, at, SEQUENCE_DIGITS);
        long length = parseHex(content, at + SEQUENCE_DIGITS + 1, NUMBER_DIGITS);
        long stored = parseHex(content, start + CHECKED_HEADER, NUMBER_DIGITS);
        if (sequence < 0 || length < 0 || length > MAX_BODY || stored < 0
                || content[at + SEQUENCE_DIGITS] != ' ' || content[start + CHECKED_HEADER - 1] != ' '
                || content[start + HEADER - 1] != '\n') {
            return Optional.empty();
        }
        byte[] checked = Arrays.copyOfRange(content, start, start + CHECKED_HEADER);
        byte[] body = Arrays.copyOfRange(content, start + HEADER, start + HEADER + (int) length);
        if (checksum(checked, body) != stored) {
            return Optional.empty();
        }
        return Optional.of(new Slot(index, sequence, body));
    }

    private static long checksum(byte[] header, byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(header);
        crc.update(body);
        return crc.getValue();
    }

    private static String hex(long value, int digits) {
        String text = Long.toHexString(value);
        return "0".repeat(digits - text.length()) + text;
    }

    /** The value of exactly {@code digits} lower-case hexadecimal digits, or -1. */
    private static long parseHex(byte[] content, int at, int digits) {
        long value = 0;
        for (int i = at; i < at + digits; i++) {
            int digit = Character.digit(content[i], 16);
            if (digit < 0 || Character.isUpperCase(content[i])) {
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }
}
