package dev.tursosync.internal.events;

import dev.tursosync.internal.capture.CaptureNames;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.DatabaseHeader;
import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SchemaReader;
import dev.tursosync.internal.sqlite.TableTreeWalker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One state of the database (before or after a pull): its pages, header, b-trees and user tables.
 *
 * <p>User tables are the schema's tables minus internal ones ({@link CaptureNames#isInternal}): SQLite's, the
 * client's capture tables, the sync bookkeeping table.
 */
final class DatabaseState {

    private final PageSource source;
    private final DatabaseHeader header;
    private final Map<String, SchemaEntry> tables = new LinkedHashMap<>();
    private final List<SchemaEntry> trees = new ArrayList<>();

    private DatabaseState(PageSource source, DatabaseHeader header, List<SchemaEntry> schema) {
        this.source = source;
        this.header = header;
        for (SchemaEntry entry : schema) {
            if (entry.rootPage() > 0) {
                trees.add(entry);
                if (entry.isTable() && !CaptureNames.isInternal(entry.name())) {
                    tables.put(entry.name(), entry);
                }
            }
        }
    }

    /**
     * Reads the header and schema of a state.
     *
     * @param source the pages
     * @return the state, or {@code null} if there is no page 1 (no database)
     */
    static DatabaseState read(PageSource source) {
        byte[] first = source.page(1);
        if (first == null) {
            return null;
        }
        return new DatabaseState(source, DatabaseHeader.parse(first), SchemaReader.read(source));
    }

    PageSource source() {
        return source;
    }

    DatabaseHeader header() {
        return header;
    }

    int usableSize() {
        return header.usableSize();
    }

    /** User tables by name, in schema order. */
    Map<String, SchemaEntry> tables() {
        return Collections.unmodifiableMap(tables);
    }

    /**
     * Decodes a table leaf page of this state.
     *
     * @param page  the page number
     * @param image its image if already read, else {@code null}
     * @return the rows
     */
    LeafRows leafRows(long page, byte[] image) {
        return image != null
                ? LeafRows.read(page, image, source, header.usableSize(), header.textEncoding())
                : LeafRows.read(source, page, header);
    }

    boolean isRowidTable(SchemaEntry table) {
        return BTreePage.read(source, table.rootPage(), header.usableSize()).type().isTable();
    }

    TableTreeWalker walker() {
        return new TableTreeWalker(source, header.usableSize());
    }

    /** Adds the interior and leaf pages of every b-tree, the schema's included. Proportional to the database. */
    void addBTreePagesTo(PageNumberSet pages) {
        TableTreeWalker walker = walker();
        walker.addPagesTo(1, pages);
        for (SchemaEntry tree : trees) {
            walker.addPagesTo(tree.rootPage(), pages);
        }
    }

    /** Adds the freelist's trunk and leaf pages (reads the trunk pages only). */
    void addFreelistPagesTo(PageNumberSet pages) {
        PageNumberSet trunks = new PageNumberSet();
        long trunk = header.firstFreelistTrunkPage();
        while (trunk != 0 && trunks.add(trunk)) {
            pages.add(trunk);
            byte[] page = source.page(trunk);
            if (page == null) {
                break;
            }
            long count = Math.min(u32(page, 4), (page.length - 8) / 4);
            for (int i = 0; i < count; i++) {
                long leaf = u32(page, 8 + 4 * i);
                if (leaf > 0) {
                    pages.add(leaf);
                }
            }
            trunk = u32(page, 0);
        }
    }

    private static long u32(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFFL) << 24) | ((bytes[offset + 1] & 0xFFL) << 16)
                | ((bytes[offset + 2] & 0xFFL) << 8) | (bytes[offset + 3] & 0xFFL);
    }
}
