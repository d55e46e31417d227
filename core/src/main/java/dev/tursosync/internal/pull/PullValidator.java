package dev.tursosync.internal.pull;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.sql.IndexColumns;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.DatabaseHeader;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.PageType;
import dev.tursosync.internal.sqlite.PageValidator;
import dev.tursosync.internal.sqlite.ParsedPages;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SchemaReader;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import dev.tursosync.internal.sqlite.TableLeafLocator;
import dev.tursosync.internal.transport.PulledPage;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the pages of a pull (or a bootstrap) before anything of it becomes durable, in time proportional to the pages
 * received: the announced size against the pages sent and the synced size, page 1's header, every received b-tree
 * page's structure, the overflow chains that start on them (followed through received pages), and that no table
 * page the synced state had was replaced by something that is no b-tree page while its table still leads to it; and
 * that the rows and index entries the received pages change agree ({@link IndexAgreement}), which is where a changed
 * page the server did not send shows.
 *
 * <p>A defect is a {@link SyncProtocolException} naming the page and what is wrong.
 */
public final class PullValidator {

    /** The largest database this client handles: WAL frames and page offsets use Java ints for page numbers. */
    static final long MAX_DATABASE_PAGES = Integer.MAX_VALUE;
    /** Below this many pages, no overflow or freelist trunk page can start with a b-tree flag byte. */
    private static final long FLAG_SAFE_PAGE_COUNT = 1L << 25;
    /**
     * Parsed pages kept per state while the checks run (2 MiB of images at most): the interior pages every look-up
     * passes and the leaves of nearby keys. A bootstrap checks its whole file in a heap that may be smaller than the
     * database (a 20 MiB heap in {@code PullUpdatesIntegrationTests}), where 2,048 pages ran out of memory.
     */
    private static final int CACHED_PAGES = 512;

    private final PageNumberSet received;
    private final PageSource receivedPages;
    private final PageSource synced;
    private final long syncedSize;
    private final long databaseSizePages;
    private final StreamedPageChecks streamed;

    private PullValidator(PageNumberSet received, PageSource receivedPages, PageSource synced, long syncedSize,
                          long databaseSizePages, StreamedPageChecks streamed) {
        this.received = received;
        this.receivedPages = receivedPages;
        this.synced = synced;
        this.syncedSize = syncedSize;
        this.databaseSizePages = databaseSizePages;
        this.streamed = streamed;
    }

    /**
     * Checks a pull.
     *
     * @param received          the received page numbers
     * @param receivedPages     their images
     * @param synced            the synced state the pull applies to (returns {@code null} for every page when empty)
     * @param syncedSize        its size in pages
     * @param databaseSizePages the size the server announced
     * @throws SyncProtocolException if the pull is malformed
     */
    public static void check(PageNumberSet received, PageSource receivedPages, PageSource synced, long syncedSize,
                             long databaseSizePages) {
        check(received, receivedPages, synced, syncedSize, databaseSizePages, StreamedPageChecks.NONE);
    }

    /**
     * Checks a pull whose pages were partly checked while they streamed: a page those checks passed (as a b-tree page
     * or as no b-tree page) is not read or parsed again for the per-page check; every other check is the same.
     *
     * @param received          the received page numbers
     * @param receivedPages     their images
     * @param synced            the synced state the pull applies to
     * @param syncedSize        its size in pages
     * @param databaseSizePages the size the server announced
     * @param streamed          what was checked while the pages streamed
     * @throws SyncProtocolException if the pull is malformed
     */
    static void check(PageNumberSet received, PageSource receivedPages, PageSource synced, long syncedSize,
                      long databaseSizePages, StreamedPageChecks streamed) {
        try {
            new PullValidator(received, receivedPages, synced, syncedSize, databaseSizePages, streamed).check();
        } catch (SqliteFormatException e) {
            throw new SyncProtocolException("the server sent a malformed page: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a page's first byte tells a b-tree page from an overflow or freelist trunk page in a database of this
     * size.
     *
     * @param databaseSizePages the database size in pages
     * @return true below 2^25 pages
     */
    static boolean flagsReliable(long databaseSizePages) {
        return databaseSizePages < FLAG_SAFE_PAGE_COUNT;
    }

    /**
     * Whether a page that passed as a b-tree page is an interior page, by its type flag (after the header on page 1).
     *
     * @param page  the page number
     * @param image the page's bytes
     * @return true for an interior table or index page
     */
    static boolean isInterior(long page, byte[] image) {
        return !PageType.fromFlag(image[page == 1 ? DatabaseHeader.SIZE : 0] & 0xff).isLeaf();
    }

    /**
     * Checks a reply that carries no page: it must announce the size the replica has.
     *
     * @param syncedSize        the synced size in pages
     * @param databaseSizePages the size the server announced
     * @param revision          the announced revision
     * @throws SyncProtocolException if the sizes differ
     */
    public static void checkEmpty(long syncedSize, long databaseSizePages, String revision) {
        if (databaseSizePages != syncedSize) {
            throw new SyncProtocolException("the server announced revision " + revision + " with " + databaseSizePages
                    + " pages but sent no page, and the replica has " + syncedSize + " pages");
        }
    }

    private void check() {
        checkSize();
        if (databaseSizePages == 0) {
            return;
        }
        byte[] page1 = page(1);
        if (page1 == null) {
            throw new SyncProtocolException("the server announced " + databaseSizePages
                    + " pages but sent no page 1 to a replica without one");
        }
        byte[] syncedPage1 = syncedSize > 0 ? synced.page(1) : null;
        int reserved = syncedPage1 != null ? DatabaseHeader.parse(syncedPage1).reservedBytes() : -1;
        DatabaseHeader header = PageValidator.checkHeader(page1, PulledPage.PAGE_SIZE, reserved, databaseSizePages);
        PageValidator pages = new PageValidator(header.usableSize(), databaseSizePages);
        boolean flagsReliable = flagsReliable(databaseSizePages);
        boolean useStreamed = streamed.appliesTo(databaseSizePages, header.usableSize());
        PageNumberSet bTreePages = new PageNumberSet();
        PageNumberSet interiorPages = new PageNumberSet();
        List<PageValidator.OverflowHead> overflows = new ArrayList<>();
        List<Long> replaced = new ArrayList<>();
        PageNumberSet free = freelist(header, page1);
        long ptrmapSpacing = autoVacuum(page1) ? header.usableSize() / 5 + 1 : 0;
        for (long page : received.toSortedArray()) {
            if (free.contains(page) || isPointerMap(page, ptrmapSpacing)) {
                continue;
            }
            if (useStreamed && streamed.passedAsBTree(page)) {
                overflows.addAll(streamed.overflowHeads(page));
                bTreePages.add(page);
                if (streamed.isInterior(page)) {
                    interiorPages.add(page);
                }
                continue;
            }
            if (useStreamed && streamed.isNotBTree(page)) {
                if (page <= syncedSize) {
                    replaced.add(page);
                }
                continue;
            }
            byte[] image = receivedPages.page(page);
            if (page == 1 || (flagsReliable && PageValidator.looksLikeBTree(page, image))) {
                overflows.addAll(pages.checkBTreePage(page, image));
                bTreePages.add(page);
                if (isInterior(page, image)) {
                    interiorPages.add(page);
                }
            } else if (page <= syncedSize) {
                replaced.add(page);
            }
        }
        checkOverflowChains(overflows, bTreePages, header.usableSize());
        ParsedPages after = new ParsedPages(this::page, header.usableSize(), CACHED_PAGES);
        checkReceivedChildren(after, interiorPages, bTreePages, free);
        List<SchemaEntry> schema = SchemaReader.read(this::page);
        List<SchemaEntry> tables = schemaTables(schema, header.usableSize());
        new TableKeyOrder(after, received, bTreePages).check(tables);
        new IndexKeyOrder(after, bTreePages).check(schema, header.textEncoding());
        checkReplacedTablePages(replaced, header.usableSize(), tables);
        if (syncedSize > 0) {
            PageSource before = pageNumber -> pageNumber > syncedSize ? null : synced.page(pageNumber);
            new IndexAgreement(new ParsedPages(before, header.usableSize(), CACHED_PAGES), after, bTreePages,
                    header.textEncoding()).check(SchemaReader.read(before), schema);
        }
    }

    /**
     * The rowid tables of the new state, with {@code sqlite_schema} itself (root page 1). The root of every table must
     * be a b-tree page of the kind its SQL declares: a table b-tree, or an index b-tree for {@code WITHOUT ROWID}.
     */
    private List<SchemaEntry> schemaTables(List<SchemaEntry> schema, int usableSize) {
        List<SchemaEntry> tables = new ArrayList<>();
        tables.add(new SchemaEntry("table", "sqlite_schema", "sqlite_schema", 1, null));
        for (SchemaEntry entry : schema) {
            if (!entry.isTable() || entry.rootPage() < 2) {
                continue;
            }
            byte[] root = page(entry.rootPage());
            boolean withoutRowid = IndexColumns.declaresWithoutRowid(entry.sql());
            if (root == null || !PageValidator.looksLikeBTree(entry.rootPage(), root)
                    || BTreePage.parse(entry.rootPage(), root, usableSize).type().isTable() == withoutRowid) {
                throw new SqliteFormatException("page " + entry.rootPage() + ", the root of table \"" + entry.name()
                        + "\", is no " + (withoutRowid ? "index" : "table") + " b-tree page");
            }
            if (!withoutRowid) {
                tables.add(entry);
            }
        }
        return tables;
    }

    /**
     * A received page that a received interior page, or the schema (when page 1 came), names as a b-tree page must
     * be one, of the same kind as its parent (table or index; a WITHOUT ROWID table's root is an index b-tree): a
     * garbage page that starts with no page type flag is not checked
     * as a b-tree page otherwise.
     */
    private void checkReceivedChildren(ParsedPages after, PageNumberSet interiorPages, PageNumberSet bTreePages,
                                       PageNumberSet free) {
        for (long page : interiorPages.toSortedArray()) {
            BTreePage parent = after.read(page);
            for (long child : parent.childPageNumbers()) {
                if (received.contains(child)) {
                    requireBTree(after, child, parent.type().isTable(), "a child of page " + page, bTreePages,
                            free);
                }
            }
        }
        if (received.contains(1)) {
            for (SchemaEntry entry : SchemaReader.read(this::page)) {
                if (entry.rootPage() > 0 && received.contains(entry.rootPage())) {
                    requireBTree(after, entry.rootPage(), null, "the root of \"" + entry.name() + "\"",
                            bTreePages, free);
                }
            }
        }
    }

    private static void requireBTree(ParsedPages after, long page, Boolean table, String role,
                                     PageNumberSet bTreePages, PageNumberSet free) {
        if (!bTreePages.contains(page) || free.contains(page)) {
            throw new SqliteFormatException("page " + page + " is " + role + " but no b-tree page");
        }
        if (table != null && after.read(page).type().isTable() != table) {
            throw new SqliteFormatException("page " + page + " is " + role + " but a b-tree page of the other kind"
                    + " (table or index)");
        }
    }

    /**
     * The pages of the new state's freelist: they may hold anything (a freed b-tree page keeps its stale cells), so
     * they are not checked as b-tree pages. Reads the trunk pages only.
     */
    private PageNumberSet freelist(DatabaseHeader header, byte[] page1) {
        PageNumberSet free = new PageNumberSet();
        int maxLeaves = header.usableSize() / 4 - 2;
        for (long trunk = header.firstFreelistTrunkPage(); trunk != 0; ) {
            if (trunk < 2 || trunk > databaseSizePages || !free.add(trunk)) {
                throw new SqliteFormatException("freelist trunk page " + trunk + " is outside the "
                        + databaseSizePages + "-page database or met twice");
            }
            byte[] image = page(trunk);
            if (image == null) {
                throw new SqliteFormatException("freelist trunk page " + trunk + " is missing");
            }
            long leaves = u32(image, 4);
            if (leaves > maxLeaves) {
                throw new SqliteFormatException("freelist trunk page " + trunk + " lists " + leaves
                        + " pages, more than fit");
            }
            for (int i = 0; i < leaves; i++) {
                long leaf = u32(image, 8 + 4 * i);
                if (leaf < 2 || leaf > databaseSizePages || !free.add(leaf)) {
                    throw new SqliteFormatException("freelist trunk page " + trunk + " lists page " + leaf
                            + ", outside the " + databaseSizePages + "-page database or listed twice");
                }
            }
            trunk = u32(image, 0);
        }
        if (free.size() != header.freelistPageCount()) {
            throw new SqliteFormatException("page 1: the header counts " + header.freelistPageCount()
                    + " freelist pages, the freelist has " + free.size());
        }
        return free;
    }

    /** Whether the header names a largest root page, which only auto-vacuum databases (with pointer maps) have. */
    private static boolean autoVacuum(byte[] page1) {
        return u32(page1, 52) != 0;
    }

    private static boolean isPointerMap(long page, long spacing) {
        return spacing > 0 && page >= 2 && (page - 2) % spacing == 0;
    }

    private static long u32(byte[] image, int offset) {
        return (image[offset] & 0xffL) << 24 | (image[offset + 1] & 0xffL) << 16 | (image[offset + 2] & 0xffL) << 8
                | (image[offset + 3] & 0xffL);
    }

    /** The size against the pages: all within it, every page past the synced size sent, within this client's range. */
    private void checkSize() {
        if (databaseSizePages < 0 || databaseSizePages > MAX_DATABASE_PAGES) {
            throw new SyncProtocolException("the server announced a database of " + databaseSizePages
                    + " pages, beyond the " + MAX_DATABASE_PAGES + " this client supports");
        }
        long[] sent = received.toSortedArray();
        if (sent.length > 0 && sent[sent.length - 1] > databaseSizePages) {
            throw new SyncProtocolException("the server sent page " + sent[sent.length - 1]
                    + " of a database it says has " + databaseSizePages + " pages");
        }
        if (sent.length > 0 && sent[0] < 1) {
            throw new SyncProtocolException("the server sent page " + sent[0] + "; pages start at 1");
        }
        for (long page = syncedSize + 1; page <= databaseSizePages; page++) {
            if (!received.contains(page)) {
                throw new SyncProtocolException("the server grew the database from " + syncedSize + " to "
                        + databaseSizePages + " pages but did not send page " + page);
            }
        }
    }

    /**
     * Follows each overflow chain through the received pages (an unchanged page continues a chain the synced state
     * already had): finite, within the database, as long as the payload needs, no page in two chains or in a chain
     * and a b-tree.
     */
    private void checkOverflowChains(List<PageValidator.OverflowHead> heads, PageNumberSet bTreePages,
                                     int usableSize) {
        PageNumberSet claimed = new PageNumberSet();
        for (PageValidator.OverflowHead head : heads) {
            String owner = "the overflow chain of cell " + head.cell() + " of page " + head.pageNumber();
            long page = head.firstPage();
            long count = 0;
            boolean complete = true;
            while (page != 0) {
                if (count == head.pageCount()) {
                    throw new SqliteFormatException(owner + " continues to page " + page + " after its "
                            + head.pageCount() + " pages");
                }
                if (page < 2 || page > databaseSizePages) {
                    throw new SqliteFormatException(owner + " reaches page " + page + ", outside the "
                            + databaseSizePages + "-page database");
                }
                if (bTreePages.contains(page)) {
                    throw new SqliteFormatException(owner + " reaches page " + page + ", a b-tree page");
                }
                if (!claimed.add(page)) {
                    throw new SqliteFormatException(owner + " reaches page " + page
                            + " a second time (a loop, or a page in two chains)");
                }
                if (!received.contains(page)) {
                    complete = false;
                    break;
                }
                byte[] image = receivedPages.page(page);
                count++;
                page = u32(image, 0);
            }
            if (complete && count < head.pageCount()) {
                throw new SqliteFormatException(owner + " ends after " + count + " of its " + head.pageCount()
                        + " pages");
            }
        }
    }

    /**
     * A received page that is no b-tree page but was a table page with rows in the synced state must be out of its
     * table now: looking up its first key in the new state must not lead to it (or fail on the way).
     */
    private void checkReplacedTablePages(List<Long> replaced, int usableSize, List<SchemaEntry> tables) {
        TableLeafLocator locator = null;
        PageSource after = this::page;
        for (long page : replaced) {
            Long key = firstTableKey(page, usableSize);
            if (key == null) {
                continue;
            }
            if (locator == null) {
                locator = new TableLeafLocator(after, usableSize);
            }
            for (SchemaEntry table : tables) {
                long leaf;
                try {
                    leaf = locator.leafCovering(table.rootPage(), key);
                } catch (SqliteFormatException e) {
                    throw new SqliteFormatException("page " + page + " was a page of a table and is no b-tree page "
                            + "now; table \"" + table.name() + "\" cannot be read: " + e.getMessage());
                }
                if (leaf == page) {
                    throw new SqliteFormatException("page " + page + " is a leaf of table \"" + table.name()
                            + "\" but not a b-tree page");
                }
            }
        }
    }

    /** The first key of a synced table page with cells, or {@code null}. */
    private Long firstTableKey(long page, int usableSize) {
        byte[] old = synced.page(page);
        if (old == null || !PageValidator.looksLikeBTree(page, old)) {
            return null;
        }
        try {
            BTreePage tablePage = BTreePage.parse(page, old, usableSize);
            if (!tablePage.type().isTable() || tablePage.cellCount() == 0) {
                return null;
            }
            return tablePage.type() == PageType.LEAF_TABLE ? tablePage.tableLeafCell(0).rowid()
                    : tablePage.interiorTableKey(0);
        } catch (SqliteFormatException e) {
            return null;
        }
    }

    private byte[] page(long pageNumber) {
        if (received.contains(pageNumber)) {
            return receivedPages.page(pageNumber);
        }
        if (pageNumber > syncedSize || pageNumber > databaseSizePages) {
            return null;
        }
        return synced.page(pageNumber);
    }
}
