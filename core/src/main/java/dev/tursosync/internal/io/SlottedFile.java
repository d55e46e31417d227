package dev.tursosync.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A small file rewritten in place: two slots of {@value #SLOT_BYTES} bytes, each a text line
 * {@code <magic><sequence> <length> <crc32c>} (hexadecimal) followed by a body and padding. A write goes to the slot
 * that does not hold the latest body; a crash during it can only damage that slot, whose checksum then fails, so the
 * other slot, the previous body, is read. A slot is a whole 4096-byte block of the file, so writing one never touches
 * the other, and a write changes neither the file's size nor its blocks, so a force of its data alone makes it durable
 * and no folder entry changes.
 */
public final class SlottedFile {

    /** The bytes of one slot. */
    public static final int SLOT_BYTES = 4096;

    /** The bytes of the whole file. */
    public static final int FILE_BYTES = 2 * SLOT_BYTES;

    private static final int SEQUENCE_DIGITS = 16;
    private static final int NUMBER_DIGITS = 8;

    private final byte[] magic;
    /** Magic, sequence, space, length, space: the part the checksum covers with the body. */
    private final int checkedHeader;
    private final int header;

    /**
     * One valid slot.
     *
     * @param index    0 or 1
     * @param sequence its sequence number: the larger is the later write
     * @param body     the body
     */
    public record Slot(int index, long sequence, byte[] body) {
    }

    /**
     * A layout whose slots begin with a marker.
     *
     * @param magic the text each slot begins with, ending with a space
     */
    public SlottedFile(String magic) {
        this.magic = magic.getBytes(StandardCharsets.US_ASCII);
        this.checkedHeader = this.magic.length + SEQUENCE_DIGITS + 1 + NUMBER_DIGITS + 1;
        this.header = checkedHeader + NUMBER_DIGITS + 1;
    }

    /**
     * The largest body a slot holds.
     *
     * @return bytes
     */
    public int maxBody() {
        return SLOT_BYTES - header - 1;
    }

    /**
     * Whether a file's content is in this layout: the file's size, and either slot's marker. A torn write keeps its
     * slot's marker (the old and the new bytes both begin with it), and a slot damaged otherwise still leaves the
     * other's.
     *
     * @param content the whole file
     * @return whether it is in this layout
     */
    public boolean isSlotted(byte[] content) {
        return content.length == FILE_BYTES && (Arrays.equals(content, 0, magic.length, magic, 0, magic.length)
                || Arrays.equals(content, SLOT_BYTES, SLOT_BYTES + magic.length, magic, 0, magic.length));
    }

    /**
     * The slot with the latest valid body.
     *
     * @param content the whole file
     * @return the slot; empty when neither slot is whole
     */
    public Optional<Slot> latest(byte[] content) {
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
     * A new file: the body in the first slot, the second empty.
     *
     * @param body at most {@link #maxBody()} bytes
     * @return the file's content
     */
    public byte[] newFile(byte[] body) {
        byte[] content = new byte[FILE_BYTES];
        Arrays.fill(content, (byte) ' ');
        System.arraycopy(slotBytes(1, body), 0, content, 0, SLOT_BYTES);
        content[FILE_BYTES - 1] = '\n';
        return content;
    }

    /**
     * A new file with both slots whole: {@code earlier} in the first (sequence 1), {@code latest} in the second
     * (sequence 2). The next write goes to the first, so the second stays whole through it.
     *
     * @param earlier the body read if the second slot is damaged
     * @param latest  the body read
     * @return the file's content
     */
    public byte[] newFile(byte[] earlier, byte[] latest) {
        byte[] content = new byte[FILE_BYTES];
        System.arraycopy(slotBytes(1, earlier), 0, content, 0, SLOT_BYTES);
        System.arraycopy(slotBytes(2, latest), 0, content, SLOT_BYTES, SLOT_BYTES);
        return content;
    }

    /**
     * One slot's bytes.
     *
     * @param sequence the write's sequence number, one more than the latest slot's
     * @param body     at most {@link #maxBody()} bytes
     * @return {@value #SLOT_BYTES} bytes
     */
    public byte[] slotBytes(long sequence, byte[] body) {
        if (body.length > maxBody()) {
            throw new IllegalArgumentException("a body of " + body.length + " bytes does not fit a slot");
        }
        byte[] slot = new byte[SLOT_BYTES];
        Arrays.fill(slot, (byte) ' ');
        String text = new String(magic, StandardCharsets.US_ASCII) + hex(sequence, SEQUENCE_DIGITS) + " "
                + hex(body.length, NUMBER_DIGITS) + " ";
        byte[] checked = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checked, 0, slot, 0, checkedHeader);
        byte[] checksum = (hex(checksum(checked, body), NUMBER_DIGITS) + "\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, slot, checkedHeader, checksum.length);
        System.arraycopy(body, 0, slot, header, body.length);
        slot[SLOT_BYTES - 1] = '\n';
        return slot;
    }

    /**
     * Writes a body into the slot of an existing file that does not hold the latest one, then forces the file's data
     * if asked (its size and blocks stay as they are, so nothing else needs forcing).
     *
     * @param file  the file
     * @param body  at most {@link #maxBody()} bytes
     * @param force whether to force the file's data before returning
     * @return false, writing nothing, when the file is missing, not in this layout or has no whole slot
     * @throws IOException if reading or writing fails
     */
    public boolean writeInPlace(Path file, byte[] body, boolean force) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return false;
        }
        try (channel) {
            if (channel.size() != FILE_BYTES) {
                return false;
            }
            ByteBuffer content = ByteBuffer.allocate(FILE_BYTES);
            while (content.hasRemaining() && channel.read(content, content.position()) >= 0) {
                // reads until full; the size was checked
            }
            Optional<Slot> latest = latest(content.array());
            if (latest.isEmpty()) {
                return false;
            }
            int target = 1 - latest.get().index();
            ByteBuffer slot = ByteBuffer.wrap(slotBytes(latest.get().sequence() + 1, body));
            long position = (long) target * SLOT_BYTES;
            while (slot.hasRemaining()) {
                position += channel.write(slot, position);
            }
            if (force) {
                channel.force(false);
            }
            return true;
        }
    }

    private Optional<Slot> slot(byte[] content, int index) {
        int start = index * SLOT_BYTES;
        if (content.length < start + SLOT_BYTES
                || !Arrays.equals(content, start, start + magic.length, magic, 0, magic.length)) {
            return Optional.empty();
        }
        int at = start + magic.length;
        long sequence = parseHex(content, at, SEQUENCE_DIGITS);
        long length = parseHex(content, at + SEQUENCE_DIGITS + 1, NUMBER_DIGITS);
        long stored = parseHex(content, start + checkedHeader, NUMBER_DIGITS);
        if (sequence < 0 || length < 0 || length > maxBody() || stored < 0
                || content[at + SEQUENCE_DIGITS] != ' ' || content[start + checkedHeader - 1] != ' '
                || content[start + header - 1] != '\n') {
            return Optional.empty();
        }
        byte[] checked = Arrays.copyOfRange(content, start, start + checkedHeader);
        byte[] body = Arrays.copyOfRange(content, start + header, start + header + (int) length);
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
