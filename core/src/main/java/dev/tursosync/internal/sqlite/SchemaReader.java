package dev.tursosync.internal.sqlite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads the {@code sqlite_schema} table, the table b-tree rooted at page 1. */
public final class SchemaReader {

    private SchemaReader() {
    }

    /**
     * All schema entries in rowid order, the order of {@code SELECT * FROM sqlite_schema}.
     *
     * @param source the pages of one database state
     * @return the entries; empty when the database has no page 1 (an empty file)
     * @throws SqliteFormatException if the header, the schema b-tree or a schema record is malformed
     */
    public static List<SchemaEntry> read(PageSource source) {
        byte[] page1 = source.page(1);
        if (page1 == null) {
            return List.of();
        }
        DatabaseHeader header = DatabaseHeader.parse(page1);
        PageSource cached = pageNumber -> pageNumber == 1 ? page1 : source.page(pageNumber);
        int usable = header.usableSize();
        List<SchemaEntry> entries = new ArrayList<>();
        for (long leaf : new TableTreeWalker(cached, usable).leafPages(1)) {
            BTreePage page = BTreePage.read(cached, leaf, usable);
            if (page.type() != PageType.LEAF_TABLE) {
                throw new SqliteFormatException("schema page " + leaf + " is " + page.type());
            }
            for (TableLeafCell cell : page.tableLeafCells()) {
                entries.add(entry(Record.decode(cell.payload(cached), header.textEncoding()), cell.rowid()));
            }
        }
        return Collections.unmodifiableList(entries);
    }

    private static SchemaEntry entry(List<Object> values, long rowid) {
        if (values.size() < 5) {
            throw new SqliteFormatException("schema row " + rowid + " has " + values.size() + " columns, not 5");
        }
        Object rootPage = values.get(3);
        if (rootPage != null && !(rootPage instanceof Long)) {
            throw new SqliteFormatException("schema row " + rowid + " has a non-integer rootpage");
        }
        return new SchemaEntry(text(values.get(0), rowid), text(values.get(1), rowid), text(values.get(2), rowid),
                rootPage == null ? 0 : (Long) rootPage, text(values.get(4), rowid));
    }

    private static String text(Object value, long rowid) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new SqliteFormatException("schema row " + rowid + " has a non-text value where text belongs");
    }
}
