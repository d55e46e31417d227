package dev.tursosync.internal.meta;

import dev.tursosync.internal.io.SlottedFile;
import java.util.Optional;

/**
 * The layout of {@code <db>-info} that is rewritten in place ({@link SlottedFile}): two slots of
 * {@value #SLOT_BYTES} bytes, each a text line {@code tursosync-info v2 <sequence> <length> <crc32c>} (hexadecimal)
 * followed by the metadata's JSON and padding. A write goes to the slot that does not hold the latest metadata and is
 * forced once; a crash during it can only damage that slot, whose checksum then fails, so the other slot, the
 * previous metadata, is read.
 */
final class MetadataSlots {

    /** The layout, with its marker. */
    static final SlottedFile LAYOUT = new SlottedFile("tursosync-info v2 ");

    /** The bytes of one slot. */
    static final int SLOT_BYTES = SlottedFile.SLOT_BYTES;

    /** The bytes of the whole file. */
    static final int FILE_BYTES = SlottedFile.FILE_BYTES;

    /** The most JSON a slot holds; larger metadata is written as a whole file of plain JSON. */
    static final int MAX_BODY = LAYOUT.maxBody();

    private MetadataSlots() {
    }

    /**
     * Whether the file's content is in this layout (else it is plain JSON, as written before, or damaged).
     *
     * @param content the whole file
     * @return whether it is in this layout
     */
    static boolean isSlotted(byte[] content) {
        return LAYOUT.isSlotted(content);
    }

    /**
     * The slot with the latest valid metadata.
     *
     * @param content the whole file
     * @return the slot; empty when neither slot is whole
     */
    static Optional<SlottedFile.Slot> latest(byte[] content) {
        return LAYOUT.latest(content);
    }

    /**
     * A new file: the metadata in the first slot, the second empty.
     *
     * @param body the JSON, at most {@link #MAX_BODY} bytes
     * @return the file's content
     */
    static byte[] newFile(byte[] body) {
        return LAYOUT.newFile(body);
    }
}
