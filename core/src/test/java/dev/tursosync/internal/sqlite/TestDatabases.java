package dev.tursosync.internal.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds real database files with sqlite-jdbc and reads them back with plain SQL for comparison. */
final class TestDatabases {

    private TestDatabases() {
    }

    /** Runs SQL against one database file; journal_mode=DELETE so the file holds everything once closed. */
    interface SqlWork {
        void run(Connection connection) throws SQLException;
    }

    static Path create(Path file, SqlWork work) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=DELETE");
            }
            work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    static Path create(Path file, String... statements) {
        return create(file, connection -> {
            try (Statement s = connection.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
        });
    }

    /** Rows of a query as lists of normalised values (see {@link #normalise(Object)}). */
    static List<List<Object>> query(Path file, String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(normalise(rs.getObject(i)));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long queryLong(Path file, String sql) {
        return ((Number) query(file, sql).get(0).get(0)).longValue();
    }

    static void insert(Connection connection, String sql, List<List<Object>> rows) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (List<Object> row : rows) {
                for (int i = 0; i < row.size(); i++) {
                    p.setObject(i + 1, row.get(i));
                }
                p.executeUpdate();
            }
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    /** Makes values comparable with equals: Integer becomes Long, byte[] becomes a hex-tagged string. */
    static Object normalise(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof byte[] bytes) {
            return "blob:" + HexFormat.of().formatHex(bytes);
        }
        return value;
    }

    static List<Object> normalise(List<Object> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(normalise(v));
        }
        return out;
    }

    /** The whole file as a page source over a byte array. */
    static PageSource inMemory(Path file) {
        byte[] bytes = readAllBytes(file);
        int pageSize = DatabaseHeader.parse(bytes).pageSize();
        return pageNumber -> {
            long start = (pageNumber - 1) * pageSize;
            if (pageNumber < 1 || start + pageSize > bytes.length) {
                return null;
            }
            return Arrays.copyOfRange(bytes, (int) start, (int) start + pageSize);
        };
    }

    /** Mutable copies of the pages of a file, for corruption tests. */
    static Map<Long, byte[]> pages(Path file) {
        byte[] bytes = readAllBytes(file);
        int pageSize = DatabaseHeader.parse(bytes).pageSize();
        Map<Long, byte[]> pages = new LinkedHashMap<>();
        for (int i = 0; i * pageSize < bytes.length; i++) {
            pages.put(i + 1L, Arrays.copyOfRange(bytes, i * pageSize, (i + 1) * pageSize));
        }
        return pages;
    }

    static PageSource of(Map<Long, byte[]> pages) {
        return pages::get;
    }

    static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A source that counts its reads. */
    static final class CountingSource implements PageSource {
        private final PageSource delegate;
        private final AtomicInteger reads = new AtomicInteger();
        private final List<Long> pagesRead = new ArrayList<>();

        CountingSource(PageSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized byte[] page(long pageNumber) {
            reads.incrementAndGet();
            pagesRead.add(pageNumber);
            return delegate.page(pageNumber);
        }

        int reads() {
            return reads.get();
        }

        synchronized List<Long> pagesRead() {
            return List.copyOf(pagesRead);
        }
    }

    /** One row of the dbstat virtual table. */
    record PageStat(String name, String path, long pageNumber, String pageType, int cellCount) {
    }

    /** dbstat rows for one b-tree (and its overflow pages), in path order (= key order). */
    static List<PageStat> dbstat(Path file, String name) {
        List<PageStat> stats = new ArrayList<>();
        for (List<Object> row : query(file, "SELECT name, path, pageno, pagetype, ncell FROM dbstat WHERE name = '"
                + name + "' ORDER BY path")) {
            stats.add(new PageStat((String) row.get(0), (String) row.get(1), (Long) row.get(2), (String) row.get(3),
                    ((Long) row.get(4)).intValue()));
        }
        return stats;
    }

    static List<Long> dbstatPages(Path file, String name, String pageType) {
        List<Long> pages = new ArrayList<>();
        for (PageStat stat : dbstat(file, name)) {
            if (stat.pageType().equals(pageType)) {
                pages.add(stat.pageNumber());
            }
        }
        return pages;
    }

    static long rootPage(Path file, String name) {
        return queryLong(file, "SELECT rootpage FROM sqlite_schema WHERE name = '" + name + "'");
    }
}
