package dev.tursosync.internal.pull;

import dev.tursosync.internal.sql.IndexColumns;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.IndexKeyComparator;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.PageType;
import dev.tursosync.internal.sqlite.ParsedPages;
import dev.tursosync.internal.sqlite.Record;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import dev.tursosync.internal.sqlite.TableLeafCell;
import dev.tursosync.internal.sqlite.TableLeafLocator;
import dev.tursosync.internal.sqlite.TextEncoding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rows and the index entries that a pull changed agree, in time proportional to the cells of the received pages.
 * A page the server changed but did not send keeps its old, well-formed image, which no check of the received pages
 * alone can see; when it is a page of a table or of one of its indexes, the table and the index then disagree (what
 * {@code PRAGMA quick_check} reports as "wrong # of entries in index"). So, for every received page and the image
 * it replaces:
 * <ul>
 *   <li>a row that is new on a received table leaf has its entry in each index of its table;</li>
 *   <li>an entry that is new on a received index page names a row of the table, whose key it is;</li>
 *   <li>a row that left a received table leaf and is gone from the table, or changed its key, left no entry
 *       behind;</li>
 *   <li>an entry that left a received index page and is nowhere in the index belongs to no row that still has its
 *       key.</li>
 * </ul>
 * Cells that a page keeps byte for byte are not looked at, so an unchanged page costs its parse only.
 *
 * <p>Only indexes whose entries follow from the stored values with certainty are judged (see
 * {@link IndexColumns#positions}), on UTF-8 databases, with keys compared as {@link IndexKeyOrder} orders them;
 * a row whose record lacks a column (added later, so its value is the column's default) is skipped. The old side
 * is judged only for tables and indexes whose SQL did not change.
 */
final class IndexAgreement {

    /** Deeper than any b-tree of at most 2^31 pages of 4096 bytes; a longer look-up is a loop. */
    private static final int MAX_DEPTH = 40;

    /**
     * A judged index: its key order, where its columns are in its table's records, and an order that tells apart
     * values its collations take as equal (text compared byte for byte): an entry holds its row's values exactly.
     */
    private record Judged(IndexKeyOrder.Index index, int[] positions, IndexKeyComparator exact) {
        String name() {
            return index.entry().name();
        }
    }

    /** A table with judged indexes. */
    private record Table(SchemaEntry entry, List<Judged> indexes) {
    }

    /** One state of the database: its pages, parsed once while cached, and a locator of its table leaves. */
    private static final class State {
        final ParsedPages parsed;
        final PageSource pages;
        final TableLeafLocator locator;

        State(ParsedPages parsed) {
            this.parsed = parsed;
            this.pages = parsed.source();
            this.locator = new TableLeafLocator(pages, parsed.usableSize());
        }

        BTreePage page(long pageNumber) {
            return parsed.read(pageNumber);
        }
    }

    private final State before;
    private final State after;
    private final PageNumberSet bTreePages;
    private final TextEncoding encoding;
    private final IndexKeyOrder newOrder;
    private final IndexKeyOrder oldOrder;

    /**
     * Creates the check.
     *
     * @param before     the synced state the pull applies to
     * @param after      the state after the pull
     * @param bTreePages the received pages that are b-tree pages
     * @param encoding   the text encoding
     */
    IndexAgreement(ParsedPages before, ParsedPages after, PageNumberSet bTreePages, TextEncoding encoding) {
        this.before = new State(before);
        this.after = new State(after);
        this.bTreePages = bTreePages;
        this.encoding = encoding;
        this.newOrder = new IndexKeyOrder(after, bTreePages);
        this.oldOrder = new IndexKeyOrder(before, new PageNumberSet());
    }

    /**
     * Checks the received pages.
     *
     * @param oldSchema the schema of the synced state
     * @param newSchema the schema after the pull
     * @throws SqliteFormatException naming the page, the row or entry and the index that disagree
     */
    void check(List<SchemaEntry> oldSchema, List<SchemaEntry> newSchema) {
        if (encoding != TextEncoding.UTF_8) {
            return;
        }
        Map<String, Table> tables = judgedTables(newSchema);
        if (tables.isEmpty()) {
            return;
        }
        Map<String, Table> unchangedTables = unchanged(tables, oldSchema);
        List<IndexKeyOrder.Index> newIndexes = indexesOf(tables.values());
        List<IndexKeyOrder.Index> oldIndexes = indexesOf(unchangedTables.values());
        for (long pageNumber : bTreePages.toSortedArray()) {
            BTreePage now = after.page(pageNumber);
            BTreePage was = oldBTreePage(pageNumber);
            if (now.type() == PageType.LEAF_TABLE) {
                rowsAdded(now, was, tables);
            } else if (!now.type().isTable()) {
                entriesAdded(now, was, tables, newIndexes);
            }
            if (was != null && was.type() == PageType.LEAF_TABLE) {
                rowsRemoved(was, now, unchangedTables);
            } else if (was != null && !was.type().isTable()) {
                entriesRemoved(was, now, unchangedTables, oldIndexes);
            }
        }
    }

    /** Every row that is new on a table leaf has its entry in each judged index of its table. */
    private void rowsAdded(BTreePage now, BTreePage was, Map<String, Table> tables) {
        Table table = tableOwning(now, after, tables);
        if (table == null) {
            return;
        }
        KeptCells kept = KeptCells.ofTableLeaf(was);
        for (int cell = 0; cell < now.cellCount(); cell++) {
            if (kept.contains(now, cell)) {
                continue;
            }
            TableLeafCell row = now.tableLeafCell(cell);
            byte[] record = row.payload(after.pages);
            for (Judged index : table.indexes()) {
                byte[] key = Record.project(record, index.positions(), row.rowid());
                byte[] entry = key == null ? null : find(index.index(), key);
                if (key != null && (entry == null || index.exact().compare(key, entry) != 0)) {
                    throw new SqliteFormatException("page " + now.pageNumber() + ": row " + row.rowid() + " of table \""
                            + table.entry().name() + "\" has no entry in index \"" + index.name()
                            + "\" (a changed page of the index was not sent?)");
                }
            }
        }
    }

    /** Every entry that is new on an index page names a row of its table whose key it is. */
    private void entriesAdded(BTreePage now, BTreePage was, Map<String, Table> tables,
                              List<IndexKeyOrder.Index> indexes) {
        if (now.cellCount() == 0) {
            return;
        }
        IndexKeyOrder.Index owner = newOrder.owner(now, indexes);
        if (owner == null) {
            return;
        }
        Table table = tables.get(key(owner.entry().tblName()));
        Judged index = judged(table, owner.entry().name());
        KeptCells kept = KeptCells.ofIndexPage(was);
        for (int cell = 0; cell < now.cellCount(); cell++) {
            if (kept.contains(now, cell)) {
                continue;
            }
            byte[] entry = now.indexCellPayload(cell, after.pages);
            long rowid = rowidOf(entry, now.pageNumber(), index);
            byte[] record = row(table.entry().rootPage(), rowid);
            if (record == null) {
                throw new SqliteFormatException("page " + now.pageNumber() + ": an entry of index \"" + index.name()
                        + "\" names row " + rowid + ", which table \"" + table.entry().name() + "\" does not have"
                        + " (a changed page of the table was not sent?)");
            }
            byte[] key = Record.project(record, index.positions(), rowid);
            if (key != null && index.exact().compare(key, entry) != 0) {
                throw new SqliteFormatException("page " + now.pageNumber() + ": the entry of index \"" + index.name()
                        + "\" for row " + rowid + " of table \"" + table.entry().name() + "\" is not that row's key"
                        + " (a changed page of the table was not sent?)");
            }
        }
    }

    /** A row that left a table leaf and is gone, or has another key now, has no entry left in the indexes. */
    private void rowsRemoved(BTreePage was, BTreePage now, Map<String, Table> tables) {
        Table table = tableOwning(was, before, tables);
        if (table == null) {
            return;
        }
        KeptCells kept = KeptCells.ofTableLeaf(now);
        for (int cell = 0; cell < was.cellCount(); cell++) {
            if (kept.contains(was, cell)) {
                continue;
            }
            TableLeafCell row = was.tableLeafCell(cell);
            byte[] old = row.payload(before.pages);
            byte[] current = row(table.entry().rootPage(), row.rowid());
            for (Judged index : table.indexes()) {
                byte[] oldKey = Record.project(old, index.positions(), row.rowid());
                if (oldKey == null) {
                    continue;
                }
                if (current != null) {
                    byte[] key = Record.project(current, index.positions(), row.rowid());
                    if (key == null || index.index().comparator().compare(key, oldKey) == 0) {
                        continue;
                    }
                }
                if (find(index.index(), oldKey) != null) {
                    throw new SqliteFormatException("page " + was.pageNumber() + ": row " + row.rowid() + " of table \""
                            + table.entry().name() + "\" is " + (current == null ? "gone" : "changed")
                            + " but index \"" + index.name() + "\" still has its old entry"
                            + " (a changed page of the index was not sent?)");
                }
            }
        }
    }

    /** An entry that left an index page and is nowhere in the index belongs to no row that still has its key. */
    private void entriesRemoved(BTreePage was, BTreePage now, Map<String, Table> tables,
                                List<IndexKeyOrder.Index> indexes) {
        if (was.cellCount() == 0) {
            return;
        }
        IndexKeyOrder.Index owner;
        try {
            owner = oldOrder.owner(was, indexes);
        } catch (SqliteFormatException e) {
            return;
        }
        if (owner == null) {
            return;
        }
        Table table = tables.get(key(owner.entry().tblName()));
        Judged index = judged(table, owner.entry().name());
        KeptCells kept = KeptCells.ofIndexPage(now);
        for (int cell = 0; cell < was.cellCount(); cell++) {
            if (kept.contains(was, cell)) {
                continue;
            }
            byte[] entry = was.indexCellPayload(cell, before.pages);
            if (find(index.index(), entry) != null) {
                continue;
            }
            long rowid = rowidOf(entry, was.pageNumber(), index);
            byte[] record = row(table.entry().rootPage(), rowid);
            byte[] key = record == null ? null : Record.project(record, index.positions(), rowid);
            if (key != null && owner.comparator().compare(key, entry) == 0) {
                throw new SqliteFormatException("page " + was.pageNumber() + ": index \"" + index.name()
                        + "\" lost the entry of row " + rowid + " of table \"" + table.entry().name()
                        + "\", which still has that key (a changed page of the table was not sent?)");
            }
        }
    }

    /** The page's image in the synced state, when it was a well-formed b-tree page there. */
    private BTreePage oldBTreePage(long pageNumber) {
        try {
            return before.parsed.orNull(pageNumber);
        } catch (SqliteFormatException e) {
            return null;
        }
    }

    /** The judged table whose rowids lead to a table leaf page in a state, or {@code null}. */
    private static Table tableOwning(BTreePage leaf, State state, Map<String, Table> tables) {
        if (leaf.cellCount() == 0) {
            return null;
        }
        long first = leaf.tableLeafCell(0).rowid();
        for (Table table : tables.values()) {
            if (state.locator.leafCovering(table.entry().rootPage(), first) == leaf.pageNumber()) {
                return table;
            }
        }
        return null;
    }

    /** The record of a row of the table rooted at {@code root} after the pull, or {@code null} when there is none. */
    private byte[] row(long root, long rowid) {
        BTreePage leaf = after.page(after.locator.leafCovering(root, rowid));
        if (leaf.type() != PageType.LEAF_TABLE) {
            throw new SqliteFormatException("page " + leaf.pageNumber() + " is " + leaf.type()
                    + " where the table b-tree rooted at " + root + " has a leaf");
        }
        int low = 0;
        int high = leaf.cellCount() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            TableLeafCell cell = leaf.tableLeafCell(middle);
            if (cell.rowid() == rowid) {
                return cell.payload(after.pages);
            }
            if (cell.rowid() < rowid) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return null;
    }

    /** The entry of the index after the pull that its order takes as equal to {@code key}, or {@code null}. */
    private byte[] find(IndexKeyOrder.Index index, byte[] key) {
        long current = index.entry().rootPage();
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            BTreePage page = after.page(current);
            if (page.type().isTable()) {
                throw new SqliteFormatException("page " + current + " is a table page inside index \""
                        + index.entry().name() + "\"");
            }
            int slot = page.searchIndex(key, index.comparator(), after.pages);
            if (slot >= 0) {
                return page.indexCellPayload(slot, after.pages);
            }
            if (page.type().isLeaf()) {
                return null;
            }
            current = -slot - 1 < page.cellCount() ? page.leftChild(-slot - 1) : page.rightMostPointer();
        }
        throw new SqliteFormatException("index \"" + index.entry().name() + "\" is deeper than " + MAX_DEPTH
                + " pages");
    }

    private long rowidOf(byte[] entry, long pageNumber, Judged index) {
        List<Object> values = Record.decode(entry, encoding);
        if (values.size() != index.positions().length + 1 || !(values.get(values.size() - 1) instanceof Long rowid)) {
            throw new SqliteFormatException("page " + pageNumber + ": an entry of index \"" + index.name()
                    + "\" has " + values.size() + " values, not its " + index.positions().length
                    + " columns and a rowid");
        }
        return rowid;
    }

    private static Judged judged(Table table, String indexName) {
        for (Judged index : table.indexes()) {
            if (index.name().equals(indexName)) {
                return index;
            }
        }
        throw new IllegalStateException("index " + indexName + " is not judged");
    }

    /** The rowid tables of the new schema with the indexes judged here, by lower-case name. */
    private Map<String, Table> judgedTables(List<SchemaEntry> schema) {
        Map<String, SchemaEntry> tableEntries = new HashMap<>();
        for (SchemaEntry entry : schema) {
            if (entry.isTable() && entry.rootPage() > 1) {
                tableEntries.put(key(entry.name()), entry);
            }
        }
        Map<String, List<Judged>> indexes = new LinkedHashMap<>();
        for (IndexKeyOrder.Index index : IndexKeyOrder.comparableIndexes(schema, encoding)) {
            SchemaEntry table = tableEntries.get(key(index.entry().tblName()));
            int[] positions = table == null ? null : IndexColumns.positions(index.entry().sql(), table.sql());
            if (positions != null) {
                IndexKeyComparator exact = IndexKeyComparator.of(java.util.Collections.nCopies(positions.length,
                        new IndexKeyComparator.Column(IndexKeyComparator.Collation.BINARY, false)), encoding);
                indexes.computeIfAbsent(key(table.name()), name -> new ArrayList<>())
                        .add(new Judged(index, positions, exact));
            }
        }
        Map<String, Table> tables = new LinkedHashMap<>();
        indexes.forEach((name, judged) -> tables.put(name, new Table(tableEntries.get(name), List.copyOf(judged))));
        return tables;
    }

    /**
     * The tables whose SQL and root page the synced schema has too, with the indexes it has with the same SQL and
     * root page: their old rows and entries are judged by the new definitions.
     */
    private static Map<String, Table> unchanged(Map<String, Table> tables, List<SchemaEntry> oldSchema) {
        Set<SchemaEntry> old = new HashSet<>(oldSchema);
        Map<String, Table> unchanged = new LinkedHashMap<>();
        tables.forEach((name, table) -> {
            if (!old.contains(table.entry())) {
                return;
            }
            List<Judged> indexes = table.indexes().stream().filter(index -> old.contains(index.index().entry()))
                    .toList();
            if (!indexes.isEmpty()) {
                unchanged.put(name, new Table(table.entry(), indexes));
            }
        });
        return unchanged;
    }

    private static List<IndexKeyOrder.Index> indexesOf(Iterable<Table> tables) {
        List<IndexKeyOrder.Index> indexes = new ArrayList<>();
        for (Table table : tables) {
            table.indexes().forEach(index -> indexes.add(index.index()));
        }
        return indexes;
    }

    private static String key(String name) {
        return Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    }
}
