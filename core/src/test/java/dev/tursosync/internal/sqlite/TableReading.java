package dev.tursosync.internal.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Decodes a whole table with the classes under test. */
final class TableReading {

    private TableReading() {
    }

    static TreeMap<Long, LeafRow> rows(PageSource source, long rootPage) {
        DatabaseHeader header = DatabaseHeader.read(source);
        TreeMap<Long, LeafRow> rows = new TreeMap<>();
        for (long leaf : TableTreeWalker.forDatabase(source).leafPages(rootPage)) {
            for (Map.Entry<Long, LeafRow> e : LeafRows.read(source, leaf, header).rows().entrySet()) {
                if (rows.put(e.getKey(), e.getValue()) != null) {
                    throw new AssertionError("rowid " + e.getKey() + " on two leaves");
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
        for (LeafRow row : rows(source, rootPage(source, table)).values()) {
            List<Object> values = new ArrayList<>();
            values.add(row.rowid());
            values.addAll(TestDatabases.normalise(row.values()));
            out.add(values);
        }
        return out;
    }
}
