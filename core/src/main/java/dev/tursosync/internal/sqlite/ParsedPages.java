package dev.tursosync.internal.sqlite;

import java.util.Arrays;
import java.util.Objects;

/**
 * The b-tree pages of one state of a database, each read and parsed once while it stays cached, for checks that
 * visit the same pages many times (the interior pages every look-up passes, the leaves of nearby keys).
 *
 * <p>The cache is a table by page number of at most {@code capacity} pages, emptied when it is full, so it holds at
 * most that many page images. A page that is missing or malformed is not cached: every read of it fails again.
 * Not thread-safe.
 */
public final class ParsedPages {

    private final PageSource source;
    private final int usableSize;
    private final int capacity;
    private final long[] numbers;
    private final BTreePage[] pages;
    private final int mask;
    private int size;

    /**
     * Creates an empty cache.
     *
     * @param source     the pages of one state
     * @param usableSize the usable page size
     * @param capacity   the most pages kept at once
     */
    public ParsedPages(PageSource source, int usableSize, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.source = Objects.requireNonNull(source, "source");
        this.usableSize = usableSize;
        this.capacity = capacity;
        int slots = Integer.highestOneBit(capacity) << 2;
        this.numbers = new long[slots];
        this.pages = new BTreePage[slots];
        this.mask = slots - 1;
    }

    /**
     * The pages this cache reads, for what it does not parse (overflow pages).
     *
     * @return the source
     */
    public PageSource source() {
        return source;
    }

    /**
     * The usable page size the pages are parsed with.
     *
     * @return bytes
     */
    public int usableSize() {
        return usableSize;
    }

    /**
     * A b-tree page, as {@link BTreePage#read} reads it.
     *
     * @param pageNumber the page
     * @return the parsed page
     * @throws SqliteFormatException if the page is missing or is no well-formed b-tree page
     */
    public BTreePage read(long pageNumber) {
        BTreePage page = orNull(pageNumber);
        if (page == null) {
            throw new SqliteFormatException("b-tree page " + pageNumber + " is missing");
        }
        return page;
    }

    /**
     * A b-tree page, or {@code null} when the state has no such page.
     *
     * @param pageNumber the page (at least 1)
     * @return the parsed page, or {@code null}
     * @throws SqliteFormatException if the page is no well-formed b-tree page
     */
    public BTreePage orNull(long pageNumber) {
        int slot = slot(pageNumber);
        while (pages[slot] != null) {
            if (numbers[slot] == pageNumber) {
                return pages[slot];
            }
            slot = (slot + 1) & mask;
        }
        byte[] image = source.page(pageNumber);
        if (image == null) {
            return null;
        }
        BTreePage page = BTreePage.parse(pageNumber, image, usableSize);
        if (size == capacity) {
            Arrays.fill(pages, null);
            size = 0;
            slot = slot(pageNumber);
        }
        numbers[slot] = pageNumber;
        pages[slot] = page;
        size++;
        return page;
    }

    private int slot(long pageNumber) {
        long mixed = pageNumber * 0x9E3779B97F4A7C15L;
        return (int) (mixed >>> 32) & mask;
    }
}
