package dev.tursosync.internal.events;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.TableLeafCell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes row-level change events from the old and new versions of the pages a pull changed.
 *
 * <p>A table created, dropped, redefined or moved to another root page gets one RESET; so does a changed table
 * without rowid or whose definition does not parse here. Internal tables ({@code sqlite_*}, the client's
 * {@code tursosync_*} tables, the sync bookkeeping table: {@code CaptureNames.isInternal}) are skipped. For every
 * other table, the changed pages that are its leaves, in the old and in the new state, are found by looking each
 * changed table leaf page's first rowid up in the table's b-tree ({@link ChangedLeaves}: interior pages only, the
 * tree's height per look-up), so the cost follows the changed pages, not the size of the table. The changed leaves
 * are decoded in both versions (each from the image read to find it, {@link LeafRows}: no payload copied) and rows
 * matched by rowid in one ascending walk of both ({@link LeafRowsInOrder}): new rows are INSERTs, vanished rows
 * DELETEs, rows whose record bytes differ UPDATEs unless their values as SQL reads them are equal (a record
 * rewritten with other bytes for the same values); a row that only moved between changed pages (a page split) emits
 * nothing, and a record is decoded only for the rows whose bytes changed, once, straight into the event's map
 * ({@link RowValues}). A table with more than the reset share, and at least
 * {@value #MIN_RESET_LEAVES}, of its leaf pages changed gets one RESET instead (only then are its leaves counted,
 * by walking its interior pages).
 *
 * <p>Changed pages that are neither decoded leaves nor their rows' overflow pages, nor b-tree or freelist pages,
 * can be overflow pages rewritten in place under an unchanged leaf (a large row overwritten in place); those are
 * traced by scanning the tables' leaves. Finding them is cheap in the common case ({@link UnexplainedPages}); the
 * scan, proportional to the tables' size, runs only when such a page is left.
 */
public final class ChangeEventDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeEventDecoder.class);

    /** A table is reset only when at least this many of its leaf pages changed (64 KiB), whatever the share. */
    static final int MIN_RESET_LEAVES = 16;

    private final double resetShare;
    private final TableShapes shapes = new TableShapes();

    /**
     * Creates a decoder.
     *
     * @param resetShare above this share of a table's leaf pages changed (and at least
     *                   {@value #MIN_RESET_LEAVES} of them), the table is reset
     */
    public ChangeEventDecoder(double resetShare) {
        this.resetShare = resetShare;
    }

    /**
     * Decodes the events of a pull.
     *
     * @param before  the pages before the pull ({@code null} for pages that did not exist)
     * @param after   the pages after the pull
     * @param changed the page numbers the pull changed
     * @return the events, tables in schema order, rows by rowid
     */
    public List<ChangeEvent> decode(PageSource before, PageSource after, PageNumberSet changed) {
        DatabaseState old = DatabaseState.read(before);
        DatabaseState now = DatabaseState.read(after);
        if (now == null) {
            return List.of();
        }
        long[] changedPages = changed.toSortedArray();
        List<ChangeEvent> events = new ArrayList<>();
        Map<String, TableDiff> diffs = new LinkedHashMap<>();
        for (SchemaEntry table : now.tables().values()) {
            SchemaEntry previous = old == null ? null : old.tables().get(table.name());
            Optional<TableShape> shape = shapes.shape(table);
            String redefinition = previous == null ? "created"
                    : !Objects.equals(previous.sql(), table.sql()) ? "redefined"
                    : previous.rootPage() != table.rootPage() ? "moved to another root page"
                    : null;
            String undecodable = shape.isEmpty() ? "definition not parseable here"
                    : !now.isRowidTable(table) ? "WITHOUT ROWID"
                    : null;
            if (redefinition != null) {
                reset(events, table, redefinition);
            } else if (undecodable != null) {
                if (touches(now, old, table, changed)) {
                    reset(events, table, undecodable);
                }
            } else {
                diffs.put(table.name(), new TableDiff(table, shape.get()));
            }
        }
        if (old != null) {
            for (SchemaEntry dropped : old.tables().values()) {
                if (!now.tables().containsKey(dropped.name())) {
                    events.add(ChangeEvent.reset(dropped.name()));
                }
            }
        }
        PageNumberSet explained = new PageNumberSet();
        if (!diffs.isEmpty()) {
            List<SchemaEntry> tables = diffs.values().stream().map(diff -> diff.table).toList();
            ChangedLeaves oldLeaves = ChangedLeaves.find(old.source(), old.usableSize(), tables, changedPages);
            ChangedLeaves newLeaves = ChangedLeaves.find(now.source(), now.usableSize(), tables, changedPages);
            for (TableDiff diff : diffs.values()) {
                String name = diff.table.name();
                diff.collect(old, now, oldLeaves, newLeaves, explained, resetShare);
                if (diff.reset) {
                    LOG.debug("table {} reset: {} of {} leaf pages changed", name, diff.changedLeaves, diff.leaves);
                    events.add(ChangeEvent.reset(name));
                } else {
                    diff.emit(events);
                }
            }
        }
        long[] orphans = UnexplainedPages.find(changedPages, explained, old, now);
        if (orphans.length > 0) {
            traceOrphanOverflow(old, now, PageNumberSet.of(orphans), diffs, events);
        }
        return events;
    }

    private static void reset(List<ChangeEvent> events, SchemaEntry table, String reason) {
        LOG.debug("table {} reset: {}", table.name(), reason);
        events.add(ChangeEvent.reset(table.name()));
    }

    /** Whether a changed page is a page of the table's b-tree, old or new: walks the trees (rare tables only). */
    private static boolean touches(DatabaseState now, DatabaseState old, SchemaEntry table, PageNumberSet changed) {
        PageNumberSet pages = new PageNumberSet();
        now.walker().addPagesTo(table.rootPage(), pages);
        if (old != null && old.tables().containsKey(table.name())) {
            old.walker().addPagesTo(table.rootPage(), pages);
        }
        for (long page : changed.toSortedArray()) {
            if (pages.contains(page)) {
                return true;
            }
        }
        return false;
    }

    /** Scans the leaves of the tables for rows whose overflow chain holds a changed page. */
    private static void traceOrphanOverflow(DatabaseState old, DatabaseState now, PageNumberSet orphans,
                                            Map<String, TableDiff> diffs, List<ChangeEvent> events) {
        for (TableDiff diff : diffs.values()) {
            if (diff.reset) {
                continue;
            }
            for (long leaf : now.walker().leafPageNumbers(diff.table.rootPage())) {
                if (diff.decodedLeaves.contains(leaf)) {
                    continue;
                }
                LeafRows rows = LeafRows.read(now.source(), leaf, now.header());
                LeafRows previous = null;
                for (int i = 0; i < rows.size(); i++) {
                    if (rows.overflowPages(i).stream().anyMatch(orphans::contains)) {
                        previous = previous != null ? previous : LeafRows.read(old.source(), leaf, old.header());
                        int before = previous.indexOf(rows.rowid(i));
                        if (before < 0) {
                            events.add(diff.event(ChangeOperation.INSERT, rows.rowid(i), null, 0, rows, i));
                        } else {
                            diff.update(events, rows.rowid(i), previous, before, rows, i);
                        }
                    }
                }
            }
        }
    }

    /** The row changes of one table in one pull. */
    private static final class TableDiff {
        final SchemaEntry table;
        final TableShape shape;
        final LeafRowsInOrder before = new LeafRowsInOrder();
        final LeafRowsInOrder after = new LeafRowsInOrder();
        final PageNumberSet decodedLeaves = new PageNumberSet();
        int changedLeaves;
        int leaves;
        boolean reset;

        TableDiff(SchemaEntry table, TableShape shape) {
            this.table = table;
            this.shape = shape;
        }

        /**
         * Decodes the changed leaves (old versions of old leaves, new versions of new leaves), unless so many
         * changed that the table is reset; adds the decoded leaves and their rows' overflow pages to
         * {@code explained}.
         */
        void collect(DatabaseState old, DatabaseState now, ChangedLeaves oldLeaves, ChangedLeaves newLeaves,
                     PageNumberSet explained, double resetShare) {
            PageNumberSet oldTouched = oldLeaves.of(table.name());
            PageNumberSet newTouched = newLeaves.of(table.name());
            PageNumberSet touched = new PageNumberSet(oldTouched.size() + newTouched.size());
            touched.addAll(oldTouched);
            touched.addAll(newTouched);
            changedLeaves = touched.size();
            explained.addAll(touched);
            if (changedLeaves >= MIN_RESET_LEAVES) {
                leaves = leafCount(old, now);
                reset = changedShare() > resetShare;
                if (reset) {
                    explainNewOverflow(now, newTouched, explained);
                    return;
                }
            }
            for (long page : touched.toSortedArray()) {
                if (oldTouched.contains(page)) {
                    LeafRows rows = old.leafRows(page, oldLeaves.takeImage(page));
                    before.add(rows);
                    rows.addOverflowPagesTo(explained);
                }
                if (newTouched.contains(page)) {
                    LeafRows rows = now.leafRows(page, newLeaves.takeImage(page));
                    after.add(rows);
                    rows.addOverflowPagesTo(explained);
                    decodedLeaves.add(page);
                }
            }
        }

        /** The number of distinct leaf pages of the table in both states (walks both trees). */
        private int leafCount(DatabaseState old, DatabaseState now) {
            PageNumberSet all = PageNumberSet.of(old.walker().leafPageNumbers(table.rootPage()));
            all.addAll(now.walker().leafPageNumbers(table.rootPage()));
            return Math.max(1, all.size());
        }

        /** The overflow pages of a reset table's changed leaves belong to it: nothing to trace elsewhere. */
        private static void explainNewOverflow(DatabaseState now, PageNumberSet newTouched, PageNumberSet explained) {
            for (long page : newTouched.toSortedArray()) {
                BTreePage leaf = BTreePage.read(now.source(), page, now.usableSize());
                for (int i = 0; i < leaf.cellCount(); i++) {
                    TableLeafCell cell = leaf.tableLeafCell(i);
                    if (cell.hasOverflow()) {
                        cell.overflowPages(now.source()).forEach(explained::add);
                    }
                }
            }
        }

        double changedShare() {
            return (double) changedLeaves / leaves;
        }

        /**
         * Matches the rows of the old and new leaves by rowid (both walks ascend) and adds an event per change. The
         * loop's body is a method of its own, called once per row: the JIT compiles it after the first few thousand
         * rows, where a loop that runs once per pull would wait for on-stack replacement.
         */
        void emit(List<ChangeEvent> events) {
            LeafRowsInOrder.Cursor old = before.cursor();
            LeafRowsInOrder.Cursor now = after.cursor();
            while (old.hasRow() || now.hasRow()) {
                emitNext(events, old, now);
            }
        }

        /** Adds the event of the lower rowid of the two walks, if any, and moves past it. */
        private void emitNext(List<ChangeEvent> events, LeafRowsInOrder.Cursor old, LeafRowsInOrder.Cursor now) {
            if (!now.hasRow() || old.hasRow() && old.rowid() < now.rowid()) {
                events.add(event(ChangeOperation.DELETE, old.rowid(), old.leaf(), old.index(), null, 0));
                old.next();
            } else if (!old.hasRow() || now.rowid() < old.rowid()) {
                events.add(event(ChangeOperation.INSERT, now.rowid(), null, 0, now.leaf(), now.index()));
                now.next();
            } else {
                if (!old.leaf().samePayload(old.index(), now.leaf(), now.index())) {
                    update(events, now.rowid(), old.leaf(), old.index(), now.leaf(), now.index());
                }
                old.next();
                now.next();
            }
        }

        /**
         * Adds the UPDATE of a row whose record bytes changed, unless its values as SQL reads them are equal: a
         * record can be rewritten with other bytes for the same values (tursodb stores the rowid in the INTEGER
         * PRIMARY KEY column where SQLite stores NULL, a record written before {@code ADD COLUMN} lacks the
         * trailing NULL, a REAL column's whole number may be stored as an integer or as a REAL), which the
         * application cannot see.
         */
        void update(List<ChangeEvent> events, long rowid, LeafRows oldLeaf, int oldIndex, LeafRows newLeaf,
                    int newIndex) {
            Long boxed = rowid;
            RowValues newValues = RowValues.decode(shape, newLeaf, newIndex, boxed);
            RowValues oldValues = RowValues.decode(shape, oldLeaf, oldIndex, boxed);
            if (!newValues.sameValues(oldValues)) {
                events.add(new ChangeEvent(table.name(), ChangeOperation.UPDATE, boxed, newValues, oldValues));
            }
        }

        /** An event; a side without a row ({@code null} leaf) gets an empty map. */
        ChangeEvent event(ChangeOperation operation, long rowid, LeafRows oldLeaf, int oldIndex, LeafRows newLeaf,
                          int newIndex) {
            Long boxed = rowid;
            return new ChangeEvent(table.name(), operation, boxed,
                    newLeaf == null ? Map.of() : RowValues.decode(shape, newLeaf, newIndex, boxed),
                    oldLeaf == null ? Map.of() : RowValues.decode(shape, oldLeaf, oldIndex, boxed));
        }
    }
}
