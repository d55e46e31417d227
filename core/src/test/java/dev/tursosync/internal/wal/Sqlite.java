package dev.tursosync.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Real databases for the WAL tests, through stock sqlite-jdbc. The rule of sqlite-lab Q8 applies: the database file
 * and its {@code -shm} are only read (and copied) while no connection has them open; only the {@code -wal} is read
 * while connections are open.
 */
final class Sqlite {

    static final int PAGE_SIZE = 4096;

    private Sqlite() {
    }

    static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    static Connection openReadOnly(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
    }

    static Path wal(Path db) {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    static Path shm(Path db) {
        return db.resolveSibling(db.getFileName() + "-shm");
    }

    static void exec(Connection connection, String... sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getString(1);
        }
    }

    static long number(Connection connection, String sql) throws SQLException {
        return Long.parseLong(text(connection, sql));
    }

    /** {@code PRAGMA wal_checkpoint(mode)}: busy, log, checkpointed. */
    static int[] checkpoint(Connection connection, String mode) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("pragma wal_checkpoint(" + mode + ")")) {
            assertThat(rows.next()).isTrue();
            return new int[] {rows.getInt(1), rows.getInt(2), rows.getInt(3)};
        }
    }

    /** The whole content of table t, one string per row. */
    static List<String> rows(Connection connection) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select id || '|' || name || '|' || hex(v) from t order by id")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    static List<String> rows(Path closedDb) throws SQLException {
        try (Connection connection = open(closedDb)) {
            return rows(connection);
        }
    }

    /** Inserts {@code count} rows from id {@code first} in one transaction. */
    static void fill(Connection connection, int first, int count) throws SQLException {
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("insert into t(id, name, v) values (?, ?, ?)")) {
            for (int id = first; id < first + count; id++) {
                insert.setInt(1, id);
                insert.setString(2, "name-" + (id * 7919 % 10007));
                insert.setBytes(3, ("payload-" + id + "-").repeat(6).getBytes(StandardCharsets.US_ASCII));
                insert.executeUpdate();
            }
        }
        if (auto) {
            connection.commit();
            connection.setAutoCommit(true);
        }
    }

    /** A WAL-mode database with table t (and an index, so integrity_check has something to cross-check), closed. */
    static void createBase(Path db, int rows) throws SQLException {
        try (Connection connection = open(db)) {
            assertThat(text(connection, "pragma journal_mode=wal")).isEqualTo("wal");
            exec(connection, "create table t(id integer primary key, name text, v blob)",
                    "create index t_name on t(name)");
            fill(connection, 1, rows);
            checkpoint(connection, "TRUNCATE");
            assertThat(number(connection, "pragma page_size")).isEqualTo(PAGE_SIZE);
        }
        assertThat(wal(db)).doesNotExist();
    }

    /** Copies a closed database and runs statements on the copy, then closes it (which checkpoints it). */
    static void derive(Path base, Path target, String... sql) throws SQLException, IOException {
        Files.copy(base, target);
        try (Connection connection = open(target)) {
            exec(connection, sql);
        }
        assertThat(wal(target)).doesNotExist();
    }

    static String integrity(Connection connection) throws SQLException {
        return text(connection, "pragma integrity_check");
    }

    static int pageCount(Path closedDb) throws IOException {
        long size = Files.size(closedDb);
        assertThat(size % PAGE_SIZE).isZero();
        return Math.toIntExact(size / PAGE_SIZE);
    }

    /** Every page of a closed database. */
    static List<WalFrame> allPages(Path closedDb) throws IOException {
        byte[] bytes = Files.readAllBytes(closedDb);
        List<WalFrame> pages = new ArrayList<>();
        for (int i = 0; i * PAGE_SIZE < bytes.length; i++) {
            pages.add(WalFrame.of(i + 1, Arrays.copyOfRange(bytes, i * PAGE_SIZE, (i + 1) * PAGE_SIZE)));
        }
        return pages;
    }

    /** The pages of a closed target that differ from a closed base, up to the target's size. */
    static List<WalFrame> differingPages(Path closedBase, Path closedTarget) throws IOException {
        List<WalFrame> base = allPages(closedBase);
        List<WalFrame> differing = new ArrayList<>();
        for (WalFrame page : allPages(closedTarget)) {
            int i = page.pageNumber() - 1;
            if (i >= base.size() || !Arrays.equals(base.get(i).page(), page.page())) {
                differing.add(page);
            }
        }
        return differing;
    }
}
