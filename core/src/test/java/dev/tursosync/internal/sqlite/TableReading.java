package dev.tursosync.internal.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Decodes a whole table with the classes under test. */
final class TableReading {

    private TableReading() {
    }

    /** One decoded row. */
    record Row(long rowid, byte[] payload, List<Long> overflowPages, List<Object> values) {
    }

    static TreeMap<Long, Row> rows(PageSource source, long rootPage) {
        DatabaseHeader header = DatabaseHeader.read(source);
        TreeMap<Long, Row> rows = new TreeMap<>();
        for (long leaf : TableTreeWalker.forDatabase(source).leafPages(rootPage)) {
            LeafRows leafRows = LeafRows.read(source, leaf, header);
            for (int i = 0; i < leafRows.size(); i++) {
                Row row = new Row(leafRows.rowid(i), leafRows.payload(i), leafRows.overflowPages(i),
                        leafRows.values(i));
                if (rows.put(row.rowid(), row) != null) {
                    throw new AssertionError("rowid " + row.rowid() + " on two leaves");
                }
            }
        }
        return rows;
    }

    static long rootPage(PageSource source, String table) {
        for (SchemaEntry entry : SchemaReader.read(source)) {
            if (entry.name().equals(table)) {
                return entry.rootPage();
            }
        }
        throw new AssertionError("no table " + table);
    }

    /** Rows as [rowid, values...] normalised, in rowid order. */
    static List<List<Object>> rowidAndValues(PageSource source, String table) {
        List<List<Object>> out = new ArrayList<>();
        for (Row row : rows(source, rootPage(source, table)).values()) {
            List<Object> values = new ArrayList<>();
            values.add(row.rowid());
            values.addAll(TestDatabases.normalise(row.values()));
            out.add(values);
        }
        return out;
    }
}
