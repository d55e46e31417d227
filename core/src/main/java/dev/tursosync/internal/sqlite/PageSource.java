package dev.tursosync.internal.sqlite;

import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.Objects;

/**
 * Gives page images of one state of a database.
 *
 * <p>Callers treat the returned arrays as read-only; implementations may hand out shared arrays.
 */
@FunctionalInterface
public interface PageSource {

    /** The page size assumed when the database header does not say otherwise. */
    int DEFAULT_PAGE_SIZE = 4096;

    /**
     * The image of one page.
     *
     * @param pageNumber the 1-based page number
     * @return the full page image, or {@code null} when the page does not exist in this state
     */
    byte[] page(long pageNumber);

    /**
     * A source where the changed pages replace those of {@code base}.
     *
     * <p>The map is used as a live view, not copied. A key mapped to {@code null} hides the base page (the page no
     * longer exists). Cutting the database to its new size is the caller's business.
     *
     * @param changed page number to new page image
     * @param base    the source for every page not in {@code changed}
     * @return the combined source
     */
    static PageSource overlay(Map<Long, byte[]> changed, PageSource base) {
        Objects.requireNonNull(changed, "changed");
        Objects.requireNonNull(base, "base");
        return pageNumber -> {
            byte[] image = changed.get(pageNumber);
            if (image != null || changed.containsKey(pageNumber)) {
                return image;
            }
            return base.page(pageNumber);
        };
    }

    /**
     * A source that reads a database file, page {@code n} at offset {@code (n - 1) * pageSize}.
     *
     * <p>The page size is read once, now, from the header on page 1 (offset 16, where 1 means 65536); when the file
     * has no valid header yet {@link #DEFAULT_PAGE_SIZE} is used. Pages that do not lie wholly inside the file read
     * as {@code null}. Reads are positional, so the source may be shared between threads; the channel stays owned
     * by the caller.
     *
     * @param file an open, readable channel
     * @return the source
     * @throws java.io.UncheckedIOException if reading fails
     */
    static PageSource ofFile(FileChannel file) {
        return FilePageSource.open(file);
    }

    /**
     * A source that reads a database file with a known page size.
     *
     * @param file     an open, readable channel
     * @param pageSize the page size in bytes
     * @return the source
     */
    static PageSource ofFile(FileChannel file, int pageSize) {
        return new FilePageSource(file, pageSize);
    }

    /**
     * A source that reads a database file nothing writes while the source is used, several neighbouring pages per
     * read: for checks that walk the whole file in page order. Not thread-safe.
     *
     * @param file     an open, readable channel
     * @param pageSize the page size in bytes
     * @return the source
     */
    static PageSource ofUnchangingFile(FileChannel file, int pageSize) {
        return new ChunkedFilePageSource(file, pageSize);
    }
}
