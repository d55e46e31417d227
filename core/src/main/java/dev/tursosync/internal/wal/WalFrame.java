package dev.tursosync.internal.wal;

import java.util.Arrays;
import java.util.Objects;

/**
 * One WAL frame: a page image and the page number it belongs to.
 *
 * <p>The array is neither copied nor modified; {@link WalWriter} copies what it needs before it asks its source for
 * the next frame, so a source may hand out the same array again and again.
 *
 * @param pageNumber the 1-based database page number
 * @param commitSize the database size in pages after the transaction this frame commits, or 0 if it is not a commit
 *                   frame; {@link WalWriter} ignores it on input and sets it itself
 * @param page       the page image, exactly one page long
 */
public record WalFrame(int pageNumber, int commitSize, byte[] page) {

    /**
     * Validates the components.
     *
     * @param pageNumber see {@link #pageNumber()}
     * @param commitSize see {@link #commitSize()}
     * @param page       see {@link #page()}; not copied
     * @throws IllegalArgumentException if {@code pageNumber < 1}, {@code commitSize < 0} or the page is empty
     */
    public WalFrame {
        Objects.requireNonNull(page, "page");
        if (pageNumber < 1) {
            throw new IllegalArgumentException("page numbers start at 1, got " + pageNumber);
        }
        if (commitSize < 0) {
            throw new IllegalArgumentException("negative commit size " + commitSize);
        }
        if (page.length == 0) {
            throw new IllegalArgumentException("empty page");
        }
    }

    /**
     * A frame that is not a commit frame.
     *
     * @param pageNumber the 1-based page number
     * @param page       the page image
     * @return the frame
     */
    public static WalFrame of(int pageNumber, byte[] page) {
        return new WalFrame(pageNumber, 0, page);
    }

    /**
     * Whether this frame ends a transaction.
     *
     * @return {@code commitSize() != 0}
     */
    public boolean isCommit() {
        return commitSize != 0;
    }

    /** Compares page contents, not array identity. */
    @Override
    public boolean equals(Object other) {
        return other instanceof WalFrame that && pageNumber == that.pageNumber && commitSize == that.commitSize
                && Arrays.equals(page, that.page);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * pageNumber + commitSize) + Arrays.hashCode(page);
    }

    @Override
    public String toString() {
        return "WalFrame[page=" + pageNumber + ", commitSize=" + commitSize + ", " + page.length + " bytes]";
    }
}
