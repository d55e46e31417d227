package dev.tursosync.internal.events;

import dev.tursosync.internal.sqlite.DatabaseHeader;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageType;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The changed pages that the leaf diff does not account for: neither a decoded leaf or one of its rows' overflow
 * pages, nor a b-tree page or freelist page of the old or new state. What is left can be an overflow page rewritten
 * in place under an unchanged leaf, which the decoder then traces.
 *
 * <p>The tests run from cheap to costly and stop when nothing is left: pages already explained; pages whose new image
 * starts with a b-tree page flag (an overflow page starts with the number of the next one, whose first byte is 0 or 1
 * in a database under 2^25 pages, so such a page is in no overflow chain of the new state); the freelists (their
 * trunk pages only are read); and last every b-tree page of both states, which costs a walk of every tree.
 */
final class UnexplainedPages {

    /** Below this many pages, no overflow page can start with a b-tree flag byte (2, 5, 10 or 13). */
    private static final long FLAG_SAFE_PAGE_COUNT = 1L << 25;

    private UnexplainedPages() {
    }

    /**
     * Finds the changed pages nothing explains.
     *
     * @param changed   the changed pages, ascending
     * @param explained pages known to be decoded leaves or overflow pages of their rows
     * @param old       the state before, or {@code null}
     * @param now       the state after
     * @return the unexplained pages, ascending
     */
    static long[] find(long[] changed, PageNumberSet explained, DatabaseState old, DatabaseState now) {
        boolean flagsReliable = now.header().databaseSizeInPages() < FLAG_SAFE_PAGE_COUNT;
        long[] left = Arrays.stream(changed)
                .filter(page -> !explained.contains(page))
                .filter(page -> !(flagsReliable && startsWithBTreeFlag(now, page)))
                .toArray();
        if (left.length == 0) {
            return left;
        }
        left = without(left, pagesOfBoth(old, now, DatabaseState::addFreelistPagesTo));
        if (left.length == 0) {
            return left;
        }
        return without(left, pagesOfBoth(old, now, DatabaseState::addBTreePagesTo));
    }

    private static PageNumberSet pagesOfBoth(DatabaseState old, DatabaseState now,
                                             BiConsumer<DatabaseState, PageNumberSet> pagesOfOne) {
        PageNumberSet pages = new PageNumberSet();
        pagesOfOne.accept(now, pages);
        if (old != null) {
            pagesOfOne.accept(old, pages);
        }
        return pages;
    }

    private static long[] without(long[] pages, PageNumberSet removed) {
        return Arrays.stream(pages).filter(page -> !removed.contains(page)).toArray();
    }

    private static boolean startsWithBTreeFlag(DatabaseState state, long page) {
        byte[] image = state.source().page(page);
        int offset = page == 1 ? DatabaseHeader.SIZE : 0;
        if (image == null || image.length <= offset) {
            return false;
        }
        int flag = image[offset] & 0xff;
        for (PageType type : PageType.values()) {
            if (type.flag() == flag) {
                return true;
            }
        }
        return false;
    }
}
