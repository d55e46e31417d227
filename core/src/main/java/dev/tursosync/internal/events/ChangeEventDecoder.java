package dev.tursosync.internal.events;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.DatabaseHeader;
import dev.tursosync.internal.sqlite.LeafRow;
import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.Record;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SchemaReader;
import dev.tursosync.internal.sqlite.TableTreeWalker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes row-level change events from the old and new versions of the pages a pull changed.
 *
 * <p>For each rowid table whose definition did not change, the table's leaf pages are found by reading only its
 * interior pages, the changed leaves are decoded in both versions, and rows are matched by rowid: new rows are
 * INSERTs, vanished rows DELETEs, rows whose record differs UPDATEs; a row that only moved between pages emits
 * nothing. A table created, dropped, redefined, without rowid, unparseable here, or changed beyond the reset share
 * gets one RESET; so does a table with more than the reset share, and at least {@value #MIN_RESET_LEAVES}, of its leaf
 * pages changed. Overflow pages that changed under an unchanged leaf page (an in-place overwrite of a large row)
 * are traced by scanning the tables' leaves.
 */
public final class ChangeEventDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeEventDecoder.class);

    /** A table is reset only when at least this many of its leaf pages changed (64 KiB), whatever the share. */
    static final int MIN_RESET_LEAVES = 16;

    private final double resetShare;

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
    public List<ChangeEvent> decode(PageSource before, PageSource after, Set<Long> changed) {
        State old = State.read(before);
        State now = State.read(after);
        if (now == null) {
            return List.of();
        }
        List<ChangeEvent> events = new ArrayList<>();
        try (TableShapes shapes = new TableShapes()) {
            Set<Long> explained = new HashSet<>();
            Map<String, TableDiff> diffs = new LinkedHashMap<>();
            for (SchemaEntry table : now.tables.values()) {
                SchemaEntry previous = old == null ? null : old.tables.get(table.name());
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
                for (SchemaEntry dropped : old.tables.values()) {
                    if (!now.tables.containsKey(dropped.name())) {
                        events.add(ChangeEvent.reset(dropped.name()));
                    }
                }
            }
            for (TableDiff diff : diffs.values()) {
                diff.collect(old, now, changed, explained, resetShare);
                if (diff.reset) {
                    LOG.debug("table {} reset: {} of {} leaf pages changed", diff.table.name(), diff.changedLeaves,
                            diff.leaves);
                    events.add(ChangeEvent.reset(diff.table.name()));
                } else {
                    diff.emit(events);
                }
            }
            explained.addAll(now.structuralPages());
            if (old != null) {
                explained.addAll(old.structuralPages());
            }
            Set<Long> orphans = new HashSet<>(changed);
            orphans.removeAll(explained);
            if (!orphans.isEmpty()) {
                traceOrphanOverflow(old, now, orphans, diffs, events);
            }
        }
        return events;
    }

    private static void reset(List<ChangeEvent> events, SchemaEntry table, String reason) {
        LOG.debug("table {} reset: {}", table.name(), reason);
        events.add(ChangeEvent.reset(table.name()));
    }

    private static boolean touches(State now, State old, SchemaEntry table, Set<Long> changed) {
        Set<Long> pages = new HashSet<>(now.walker.allPages(table.rootPage()));
        if (old != null && old.tables.containsKey(table.name())) {
            pages.addAll(old.walker.allPages(table.rootPage()));
        }
        return pages.stream().anyMatch(changed::contains);
    }

    /** Scans the leaves of the tables for rows whose overflow chain holds a changed page. */
    private static void traceOrphanOverflow(State old, State now, Set<Long> orphans, Map<String, TableDiff> diffs,
                                            List<ChangeEvent> events) {
        for (TableDiff diff : diffs.values()) {
            if (diff.reset) {
                continue;
            }
            List<ChangeEvent> found = new ArrayList<>();
            for (long leaf : now.walker.leafPages(diff.table.rootPage())) {
                if (diff.decodedLeaves.contains(leaf)) {
                    continue;
                }
                LeafRows rows = LeafRows.read(now.source, leaf, now.header);
                for (LeafRow row : rows.rows().values()) {
                    if (row.overflowPages().stream().anyMatch(orphans::contains)) {
                        LeafRows previous = LeafRows.read(old.source, leaf, old.header);
                        LeafRow before = previous.rows().get(row.rowid());
                        found.add(diff.event(before == null ? ChangeOperation.INSERT : ChangeOperation.UPDATE,
                                before, row));
                    }
                }
            }
            events.addAll(found);
        }
    }

    /** One state of the database: header, schema, tree walker, freelist. */
    private static final class State {
        final PageSource source;
        final DatabaseHeader header;
        final Map<String, SchemaEntry> tables = new LinkedHashMap<>();
        final List<SchemaEntry> trees = new ArrayList<>();
        final TableTreeWalker walker;

        private State(PageSource source, DatabaseHeader header, List<SchemaEntry> schema) {
            this.source = source;
            this.header = header;
            this.walker = new TableTreeWalker(source, header.usableSize());
            for (SchemaEntry entry : schema) {
                if (entry.rootPage() > 0) {
                    trees.add(entry);
                    if (entry.isTable() && isUserTable(entry.name())) {
                        tables.put(entry.name(), entry);
                    }
                }
            }
        }

        static State read(PageSource source) {
            byte[] first = source.page(1);
            if (first == null) {
                return null;
            }
            return new State(source, DatabaseHeader.parse(first), SchemaReader.read(source));
        }

        boolean isRowidTable(SchemaEntry table) {
            return BTreePage.read(source, table.rootPage(), header.usableSize()).type().isTable();
        }

        /** Interior and leaf pages of every b-tree, the schema's included, and the freelist. */
        Set<Long> structuralPages() {
            Set<Long> pages = new HashSet<>(walker.allPages(1));
            for (SchemaEntry tree : trees) {
                pages.addAll(walker.allPages(tree.rootPage()));
            }
            pages.addAll(freelist());
            return pages;
        }

        private Set<Long> freelist() {
            Set<Long> pages = new HashSet<>();
            byte[] first = source.page(1);
            long trunk = u32(first, 32);
            while (trunk != 0 && pages.add(trunk)) {
                byte[] page = source.page(trunk);
                if (page == null) {
                    break;
                }
                long count = Math.min(u32(page, 4), (page.length - 8) / 4);
                for (int i = 0; i < count; i++) {
                    pages.add(u32(page, 8 + 4 * i));
                }
                trunk = u32(page, 0);
            }
            return pages;
        }
    }

    private static boolean isUserTable(String name) {
        return !name.startsWith("sqlite_") && !name.equals("turso_sync_last_change_id");
    }

    private static long u32(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFFL) << 24) | ((bytes[offset + 1] & 0xFFL) << 16)
                | ((bytes[offset + 2] & 0xFFL) << 8) | (bytes[offset + 3] & 0xFFL);
    }

    /** The row changes of one table in one pull. */
    private static final class TableDiff {
        final SchemaEntry table;
        final TableShape shape;
        final Map<Long, LeafRow> before = new TreeMap<>();
        final Map<Long, LeafRow> after = new TreeMap<>();
        final Set<Long> decodedLeaves = new HashSet<>();
        int changedLeaves;
        int leaves;
        boolean reset;

        TableDiff(SchemaEntry table, TableShape shape) {
            this.table = table;
            this.shape = shape;
        }

        void collect(State old, State now, Set<Long> changed, Set<Long> explained, double resetShare) {
            Set<Long> oldLeaves = old.walker.leafPages(table.rootPage());
            Set<Long> newLeaves = now.walker.leafPages(table.rootPage());
            Set<Long> allLeaves = new HashSet<>(oldLeaves);
            allLeaves.addAll(newLeaves);
            leaves = Math.max(1, allLeaves.size());
            Set<Long> touched = new HashSet<>();
            for (long page : oldLeaves) {
                if (changed.contains(page)) {
                    touched.add(page);
                }
            }
            for (long page : newLeaves) {
                if (changed.contains(page)) {
                    touched.add(page);
                }
            }
            changedLeaves = touched.size();
            reset = changedLeaves >= MIN_RESET_LEAVES && changedShare() > resetShare;
            if (reset) {
                return;
            }
            for (long page : touched) {
                if (oldLeaves.contains(page)) {
                    LeafRows rows = LeafRows.read(old.source, page, old.header);
                    before.putAll(rows.rows());
                    explained.addAll(rows.overflowPages());
                }
                if (newLeaves.contains(page)) {
                    LeafRows rows = LeafRows.read(now.source, page, now.header);
                    after.putAll(rows.rows());
                    explained.addAll(rows.overflowPages());
                    decodedLeaves.add(page);
                }
            }
        }

        double changedShare() {
            return (double) changedLeaves / leaves;
        }

        void emit(List<ChangeEvent> events) {
            Set<Long> rowids = new TreeSet<>(before.keySet());
            rowids.addAll(after.keySet());
            for (long rowid : rowids) {
                LeafRow old = before.get(rowid);
                LeafRow now = after.get(rowid);
                if (old == null) {
                    events.add(event(ChangeOperation.INSERT, null, now));
                } else if (now == null) {
                    events.add(event(ChangeOperation.DELETE, old, null));
                } else if (!old.samePayload(now)) {
                    events.add(event(ChangeOperation.UPDATE, old, now));
                }
            }
        }

        ChangeEvent event(ChangeOperation operation, LeafRow old, LeafRow now) {
            long rowid = now != null ? now.rowid() : old.rowid();
            return new ChangeEvent(table.name(), operation, rowid, values(now), values(old));
        }

        private Map<String, Object> values(LeafRow row) {
            if (row == null) {
                return Map.of();
            }
            List<Object> values = shape.aliasColumn() >= 0
                    ? Record.withRowid(row.values(), shape.aliasColumn(), row.rowid())
                    : row.values();
            Map<String, Object> named = new LinkedHashMap<>();
            for (int i = 0; i < shape.columns().size(); i++) {
                named.put(shape.columns().get(i), i < values.size() ? shape.sqlValue(i, values.get(i)) : null);
            }
            return named;
        }
    }
}
