package dev.tursosync.internal.events;

import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.PageType;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import dev.tursosync.internal.sqlite.TableLeafLocator;
import dev.tursosync.internal.sqlite.TableTreeWalker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Which of the changed pages are leaf pages of which rowid tables, in one state of the database.
 *
 * <p>A changed page is looked at only if its image in that state is a table leaf page. If it is a table's root it is
 * that table's only leaf; otherwise its first rowid is looked up in each table's b-tree with a
 * {@link TableLeafLocator}, which reads only interior pages: the page is the table's leaf exactly when the descent
 * ends on it. The cost follows the changed pages (times tables and tree height), not the size of the tables. A page
 * the look-up cannot place (an empty non-root leaf, or one that does not parse) makes the answer come from full walks
 * of the tables' trees instead: exact, but proportional to their size.
 *
 * <p>The images of the first {@value #MAX_KEPT_IMAGES} leaves found are kept, so decoding them does not read them
 * again; beyond that, memory stays bounded and they are read again.
 */
final class ChangedLeaves {

    /** At most this many leaf images are kept (4 MiB of 4 KiB pages). */
    static final int MAX_KEPT_IMAGES = 1024;

    private final Map<String, PageNumberSet> byTable;
    private final Map<Long, byte[]> images;

    private ChangedLeaves(Map<String, PageNumberSet> byTable, Map<Long, byte[]> images) {
        this.byTable = byTable;
        this.images = images;
    }

    /**
     * Finds the changed leaves of the tables.
     *
     * @param source     the pages of one state
     * @param usableSize the usable page size of that state
     * @param tables     rowid tables of that state
     * @param changed    the changed page numbers, ascending
     * @return the changed leaves by table
     */
    static ChangedLeaves find(PageSource source, int usableSize, List<SchemaEntry> tables, long[] changed) {
        Map<Long, String> byRoot = new HashMap<>();
        for (SchemaEntry table : tables) {
            byRoot.put(table.rootPage(), table.name());
        }
        TableLeafLocator locator = new TableLeafLocator(source, usableSize);
        Map<String, PageNumberSet> found = new HashMap<>();
        Map<Long, byte[]> images = new HashMap<>();
        for (long page : changed) {
            byte[] image = source.page(page);
            if (image == null || !isTableLeaf(page, image)) {
                continue;
            }
            String owner = byRoot.get(page);
            if (owner == null) {
                OptionalLong firstRowid = firstRowid(page, image, usableSize);
                if (firstRowid.isEmpty()) {
                    return byWalking(source, usableSize, tables, changed);
                }
                owner = ownerOf(page, firstRowid.getAsLong(), tables, locator);
            }
            if (owner != null) {
                found.computeIfAbsent(owner, name -> new PageNumberSet()).add(page);
                if (images.size() < MAX_KEPT_IMAGES) {
                    images.put(page, image);
                }
            }
        }
        return new ChangedLeaves(found, images);
    }

    /**
     * The changed leaf pages of a table.
     *
     * @param table the table name
     * @return the pages, empty if none
     */
    PageNumberSet of(String table) {
        PageNumberSet pages = byTable.get(table);
        return pages != null ? pages : new PageNumberSet();
    }

    /**
     * The image of a changed leaf as it was read while finding it, handed over once.
     *
     * @param page a page found as a leaf
     * @return the image, or {@code null} when it was not kept or was handed over already
     */
    byte[] takeImage(long page) {
        return images.remove(page);
    }

    private static String ownerOf(long page, long rowid, List<SchemaEntry> tables, TableLeafLocator locator) {
        for (SchemaEntry table : tables) {
            if (locator.leafCovering(table.rootPage(), rowid) == page) {
                return table.name();
            }
        }
        return null;
    }

    private static boolean isTableLeaf(long page, byte[] image) {
        int headerOffset = page == 1 ? 100 : 0;
        return image.length > headerOffset && (image[headerOffset] & 0xff) == PageType.LEAF_TABLE.flag();
    }

    /** The first rowid of a table leaf page; empty if it has no cell or does not parse. */
    private static OptionalLong firstRowid(long page, byte[] image, int usableSize) {
        try {
            BTreePage leaf = BTreePage.parse(page, image, usableSize);
            return leaf.cellCount() == 0 ? OptionalLong.empty() : OptionalLong.of(leaf.tableLeafCell(0).rowid());
        } catch (SqliteFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static ChangedLeaves byWalking(PageSource source, int usableSize, List<SchemaEntry> tables,
                                           long[] changed) {
        PageNumberSet changedSet = PageNumberSet.of(changed);
        TableTreeWalker walker = new TableTreeWalker(source, usableSize);
        Map<String, PageNumberSet> found = new HashMap<>();
        for (SchemaEntry table : tables) {
            for (long leaf : walker.leafPageNumbers(table.rootPage())) {
                if (changedSet.contains(leaf)) {
                    found.computeIfAbsent(table.name(), name -> new PageNumberSet()).add(leaf);
                }
            }
        }
        return new ChangedLeaves(found, new HashMap<>());
    }
}
