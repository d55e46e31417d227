package dev.tursosync.client;

import dev.tursosync.ChangeEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The synced state of some tables as the change events tell it: rows by rowid, changed strictly by each event. An
 * INSERT of a row the model has, or an UPDATE or DELETE whose old values are not the model's row, is a mistake
 * (an event emitted twice, or one lost), recorded with the event and kept in {@link #mistakes()}.
 */
final class EventModel {

    private final Map<String, Map<Long, List<Object>>> tables = new HashMap<>();
    private final List<String> mistakes = new ArrayList<>();
    private int events;

    /** Starts from the given rows (rowid first, then the values in column order) for each table followed. */
    EventModel(Map<String, List<List<Object>>> initial) {
        initial.forEach((table, rows) -> tables.put(table, byRowid(rows)));
    }

    /** The followed tables. */
    synchronized Set<String> tables() {
        return tables.keySet();
    }

    synchronized void apply(ChangeEvent event) {
        Map<Long, List<Object>> rows = tables.get(event.table());
        if (rows == null) {
            return;
        }
        events++;
        List<Object> before = rows.get(event.rowid());
        switch (event.operation()) {
            case INSERT -> {
                if (before != null) {
                    mistakes.add("INSERT of a row the synced state has: " + describe(event) + ", had " + before);
                }
                rows.put(event.rowid(), values(event.newValues()));
            }
            case UPDATE -> {
                if (before == null || !same(before, values(event.oldValues()))) {
                    mistakes.add("UPDATE whose old values are not the synced row: " + describe(event) + ", had "
                            + before);
                }
                rows.put(event.rowid(), values(event.newValues()));
            }
            case DELETE -> {
                if (before == null || !same(before, values(event.oldValues()))) {
                    mistakes.add("DELETE whose old values are not the synced row: " + describe(event) + ", had "
                            + before);
                }
                rows.remove(event.rowid());
            }
            case RESET -> mistakes.add("RESET of a followed table: " + describe(event));
            default -> mistakes.add("unknown event " + describe(event));
        }
    }

    synchronized int events() {
        return events;
    }

    synchronized List<String> mistakes() {
        return List.copyOf(mistakes);
    }

    /** The rows of a table, rowid first, ordered by rowid. */
    synchronized List<List<Object>> rows(String table) {
        List<List<Object>> rows = new ArrayList<>();
        tables.get(table).forEach((rowid, values) -> {
            List<Object> row = new ArrayList<>();
            row.add(rowid);
            row.addAll(values);
            rows.add(row);
        });
        return rows;
    }

    private static Map<Long, List<Object>> byRowid(List<List<Object>> rows) {
        Map<Long, List<Object>> map = new TreeMap<>();
        for (List<Object> row : rows) {
            map.put(((Number) row.get(0)).longValue(), new ArrayList<>(row.subList(1, row.size())));
        }
        return map;
    }

    private static List<Object> values(Map<String, Object> values) {
        return new ArrayList<>(values.values());
    }

    private static boolean same(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            boolean equal = x instanceof byte[] bx && y instanceof byte[] by ? Arrays.equals(bx, by)
                    : x instanceof Number nx && y instanceof Number ny && !(x instanceof Double)
                    && !(y instanceof Double) ? nx.longValue() == ny.longValue() : Objects.equals(x, y);
            if (!equal) {
                return false;
            }
        }
        return true;
    }

    private static String describe(ChangeEvent event) {
        String text = event.table() + " " + event.operation() + " rowid " + event.rowid() + " new "
                + event.newValues() + " old " + event.oldValues();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
