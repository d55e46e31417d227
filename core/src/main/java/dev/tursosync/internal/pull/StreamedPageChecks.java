package dev.tursosync.internal.pull;

import dev.tursosync.internal.sqlite.DatabaseHeader;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageValidator;
import dev.tursosync.internal.transport.PulledPage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-page part of {@link PullValidator}'s checks of a bootstrap, run on each page while the stream still
 * arrives, so that after the last byte the validator only looks up what each page was: a b-tree page that passed
 * {@link PageValidator#checkBTreePage} (with the overflow chains it starts, and whether it is an interior page), or a
 * page that is no b-tree page. Once page 1 has come, every later page is checked as it is written.
 *
 * <p>Only what passed is remembered: a page that fails, or that came before page 1, is unknown here, and the validator
 * checks it from the file as before (and signals the same error). A page sent twice, or a page 1 whose header does
 * not parse, ends the streamed checks: everything is then checked from the file. The results apply only to the
 * announced size and page 1 they were made with ({@link #appliesTo}).
 *
 * <p>Called from the thread that writes the pages; read by the validator after the stream ended.
 */
final class StreamedPageChecks {

    /** No page checked while streaming. */
    static final StreamedPageChecks NONE = new StreamedPageChecks(-1);

    private final long databaseSizePages;
    private final PageNumberSet bTree = new PageNumberSet();
    private final PageNumberSet interior = new PageNumberSet();
    private final PageNumberSet notBTree = new PageNumberSet();
    private final Map<Long, List<PageValidator.OverflowHead>> overflows = new HashMap<>();
    /** Each page's image while it is checked; nothing keeps it after {@link #accept}, so one array serves them all. */
    private final byte[] scratch = new byte[PulledPage.PAGE_SIZE];
    private PageValidator validator;
    private int usableSize = -1;
    private boolean stopped;

    /**
     * Creates the checks of one snapshot stream.
     *
     * @param databaseSizePages the size its header announced
     */
    StreamedPageChecks(long databaseSizePages) {
        this.databaseSizePages = databaseSizePages;
        this.stopped = databaseSizePages < 1 || databaseSizePages > PullValidator.MAX_DATABASE_PAGES;
    }

    /**
     * Checks a page that was just written.
     *
     * @param page      the page
     * @param firstTime whether its number was not received before in this stream
     */
    void accept(PulledPage page, boolean firstTime) {
        if (stopped) {
            return;
        }
        if (!firstTime || page.data().size() != PulledPage.PAGE_SIZE) {
            stop();
            return;
        }
        long number = page.pageNumber();
        byte[] image = scratch;
        page.data().copyTo(image, 0);
        if (number == 1) {
            try {
                DatabaseHeader header = PageValidator.checkHeader(image, PulledPage.PAGE_SIZE, -1,
                        databaseSizePages);
                usableSize = header.usableSize();
                validator = new PageValidator(usableSize, databaseSizePages);
            } catch (RuntimeException e) {
                // a SqliteFormatException, or whatever else a hostile page 1 provokes: the file's check decides
                stop();
                return;
            }
        }
        if (validator == null || number > databaseSizePages) {
            return;
        }
        if (number != 1 && !(PullValidator.flagsReliable(databaseSizePages)
                && PageValidator.looksLikeBTree(number, image))) {
            notBTree.add(number);
            return;
        }
        List<PageValidator.OverflowHead> heads;
        try {
            heads = validator.checkBTreePage(number, image);
        } catch (RuntimeException e) {
            // the check of the file meets the same page and signals what is wrong with it
            return;
        }
        bTree.add(number);
        if (PullValidator.isInterior(number, image)) {
            interior.add(number);
        }
        if (!heads.isEmpty()) {
            overflows.put(number, heads);
        }
    }

    /**
     * Whether these results hold for a check of the given snapshot.
     *
     * @param size       the announced size the validator checks against
     * @param usableSize the usable page size of the page 1 it checks
     * @return true if pages were checked with the same size and page 1
     */
    boolean appliesTo(long size, int usableSize) {
        return !stopped && validator != null && size == databaseSizePages && usableSize == this.usableSize;
    }

    /**
     * Whether a page passed the b-tree page check.
     *
     * @param pageNumber the page
     * @return true if it did
     */
    boolean passedAsBTree(long pageNumber) {
        return bTree.contains(pageNumber);
    }

    /**
     * Whether a page was found to be no b-tree page (by its first byte).
     *
     * @param pageNumber the page
     * @return true if so
     */
    boolean isNotBTree(long pageNumber) {
        return notBTree.contains(pageNumber);
    }

    /**
     * Whether a page that passed as a b-tree page is an interior page.
     *
     * @param pageNumber the page
     * @return true if so
     */
    boolean isInterior(long pageNumber) {
        return interior.contains(pageNumber);
    }

    /**
     * The overflow chains a page that passed as a b-tree page starts.
     *
     * @param pageNumber the page
     * @return the chains' heads, empty if none
     */
    List<PageValidator.OverflowHead> overflowHeads(long pageNumber) {
        return overflows.getOrDefault(pageNumber, List.of());
    }

    private void stop() {
        stopped = true;
        validator = null;
        overflows.clear();
    }
}
