package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class RecordTests {

    private static final String UNICODE = "héllo wörld ✓ 𝄞 日本語 \u0000 nul";

    @TempDir
    Path dir;

    /** Value bound by JDBC, and the serial type SQLite must have written for it. */
    private record Case(Object value, long serialType) {
    }

    private static List<Case> everySerialType() {
        byte[] blob300 = new byte[300];
        for (int i = 0; i < blob300.length; i++) {
            blob300[i] = (byte) (i * 7);
        }
        String text200 = "x".repeat(200);
        return List.of(
                new Case(null, 0),
                new Case(0L, 8), new Case(1L, 9),
                new Case(2L, 1), new Case(-1L, 1), new Case(127L, 1), new Case(-128L, 1),
                new Case(128L, 2), new Case(-129L, 2), new Case(32767L, 2), new Case(-32768L, 2),
                new Case(32768L, 3), new Case(-32769L, 3), new Case(8388607L, 3), new Case(-8388608L, 3),
                new Case(8388608L, 4), new Case(-8388609L, 4), new Case(2147483647L, 4), new Case(-2147483648L, 4),
                new Case(2147483648L, 5), new Case(-2147483649L, 5), new Case(140737488355327L, 5),
                new Case(-140737488355328L, 5),
                new Case(140737488355328L, 6), new Case(-140737488355329L, 6), new Case(Long.MAX_VALUE, 6),
                new Case(Long.MIN_VALUE, 6),
                new Case(1.5, 7), new Case(-0.0, 7), new Case(1e308, 7), new Case(-2.5e-300, 7),
                new Case(Double.MIN_VALUE, 7), new Case(Double.POSITIVE_INFINITY, 7), new Case(3.0, 7),
                new Case("", 13), new Case("a", 15),
                new Case(UNICODE, 13 + 2L * UNICODE.getBytes(StandardCharsets.UTF_8).length),
                new Case(text200, 13 + 400),
                new Case(new byte[0], 12), new Case(new byte[] {0, 1, 2, (byte) 0xff}, 20),
                new Case(blob300, 12 + 600));
    }

    @Test
    void decodesEverySerialTypeWrittenBySqlite() throws Exception {
        List<Case> cases = everySerialType();
        List<List<Object>> rows = new ArrayList<>();
        for (Case c : cases) {
            rows.add(Arrays.asList(c.value()));
        }
        Path db = TestDatabases.create(dir.resolve("types.db"),
                connection -> {
                    connection.createStatement().execute("CREATE TABLE v(x)");
                    TestDatabases.insert(connection, "INSERT INTO v(x) VALUES (?)", rows);
                });

        try (FileChannel file = FileChannel.open(db, StandardOpenOption.READ)) {
            PageSource source = PageSource.ofFile(file);
            TreeMap<Long, TableReading.Row> decoded = TableReading.rows(source, TableReading.rootPage(source, "v"));

            assertThat(decoded).hasSize(cases.size());
            int i = 0;
            for (TableReading.Row row : decoded.values()) {
                Case c = cases.get(i++);
                assertThat(Record.serialTypes(row.payload())).as("serial type of %s", c.value())
                        .containsExactly(c.serialType());
                assertThat(TestDatabases.normalise(row.values()))
                        .containsExactly(TestDatabases.normalise(c.value()));
            }
            assertThat(TableReading.rowidAndValues(source, "v"))
                    .isEqualTo(TestDatabases.query(db, "SELECT rowid, x FROM v ORDER BY rowid"));
        }
    }

    @Test
    void negativeZeroKeepsItsSign() throws Exception {
        Path db = TestDatabases.create(dir.resolve("zero.db"),
                connection -> {
                    connection.createStatement().execute("CREATE TABLE v(x)");
                    TestDatabases.insert(connection, "INSERT INTO v VALUES (?)", List.of(List.of(-0.0)));
                });
        PageSource source = TestDatabases.inMemory(db);
        Object value = TableReading.rows(source, TableReading.rootPage(source, "v")).firstEntry().getValue()
                .values().get(0);
        assertThat(value).isInstanceOf(Double.class);
        assertThat(Double.doubleToRawLongBits((Double) value)).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void decodesRecordsWithManyColumnsOfMixedTypes() {
        Path db = TestDatabases.create(dir.resolve("mixed.db"),
                "CREATE TABLE m(a, b, c, d, e, f, g)",
                "INSERT INTO m VALUES (NULL, 0, 1, -77777, 2.25, 'tëxt', x'00ff00')",
                "INSERT INTO m VALUES (x'', '', 9223372036854775807, NULL, NULL, -1e-10, 65536)",
                "INSERT INTO m(a) VALUES (42)");
        PageSource source = TestDatabases.inMemory(db);
        assertThat(TableReading.rowidAndValues(source, "m"))
                .isEqualTo(TestDatabases.query(db, "SELECT rowid, * FROM m ORDER BY rowid"));
    }

    @Test
    void recordsWrittenBeforeAddColumnAreShorter() {
        Path db = TestDatabases.create(dir.resolve("alter.db"),
                "CREATE TABLE a(x)",
                "INSERT INTO a VALUES (1)",
                "ALTER TABLE a ADD COLUMN y DEFAULT 'dflt'",
                "INSERT INTO a VALUES (2, 'set')");
        PageSource source = TestDatabases.inMemory(db);
        assertThat(TableReading.rowidAndValues(source, "a"))
                .containsExactly(List.of(1L, 1L), List.of(2L, 2L, "set"));
    }

    @Test
    void integerPrimaryKeyIsStoredAsNullAndSubstitutedFromTheRowid() {
        Path db = TestDatabases.create(dir.resolve("ipk.db"),
                "CREATE TABLE p(a TEXT, id INTEGER PRIMARY KEY, b)",
                "INSERT INTO p VALUES ('neg', -5, 1)",
                "INSERT INTO p VALUES ('mid', 42, x'01')",
                "INSERT INTO p VALUES ('big', 9007199254740993, NULL)",
                "INSERT INTO p VALUES ('max', 9223372036854775807, 2.5)");
        PageSource source = TestDatabases.inMemory(db);
        List<List<Object>> decoded = new ArrayList<>();
        for (TableReading.Row row : TableReading.rows(source, TableReading.rootPage(source, "p")).values()) {
            assertThat(row.values().get(1)).isNull();
            Object[] values = row.values().toArray();
            Record.putRowid(values, 1, row.rowid());
            decoded.add(TestDatabases.normalise(Arrays.asList(values)));
        }
        assertThat(decoded).isEqualTo(TestDatabases.query(db, "SELECT a, id, b FROM p ORDER BY id"));

        assertThatThrownBy(() -> Record.putRowid(new Object[] {1L, 2L}, 0, 7L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Record.putRowid(new Object[] {null}, 1, 7L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void realAffinityColumnsStoreIntegralValuesAsIntegers() {
        Path db = TestDatabases.create(dir.resolve("real.db"),
                "CREATE TABLE r(x REAL)",
                "INSERT INTO r VALUES (3.0)",
                "INSERT INTO r VALUES (2.5)",
                "INSERT INTO r VALUES (-0.0)");
        PageSource source = TestDatabases.inMemory(db);
        assertThat(TableReading.rowidAndValues(source, "r"))
                .containsExactly(List.of(1L, 3L), List.of(2L, 2.5), List.of(3L, 0L));
        assertThat(TestDatabases.query(db, "SELECT x FROM r ORDER BY rowid"))
                .containsExactly(List.of(3.0), List.of(2.5), List.of(0.0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-8", "UTF-16le", "UTF-16be"})
    void decodesTextInTheDatabaseEncoding(String encoding) {
        Path db = TestDatabases.create(dir.resolve("enc.db"), connection -> {
            connection.createStatement().execute("PRAGMA encoding='" + encoding + "'");
            connection.createStatement().execute("CREATE TABLE \"tëxt\"(id INTEGER PRIMARY KEY, s TEXT, b BLOB)");
            TestDatabases.insert(connection, "INSERT INTO \"tëxt\"(s, b) VALUES (?, ?)", List.of(
                    List.of(UNICODE, new byte[] {1, 2, 3}),
                    List.of("", new byte[0]),
                    List.of("𝄞".repeat(3000), "blob".getBytes(StandardCharsets.UTF_8)),
                    List.of("plain ascii", new byte[] {(byte) 0xfe, (byte) 0xff})));
        });
        PageSource source = TestDatabases.inMemory(db);
        TextEncoding expected = switch (encoding) {
            case "UTF-16le" -> TextEncoding.UTF_16LE;
            case "UTF-16be" -> TextEncoding.UTF_16BE;
            default -> TextEncoding.UTF_8;
        };
        assertThat(DatabaseHeader.read(source).textEncoding()).isEqualTo(expected);
        assertThat(TableReading.rowidAndValues(source, "tëxt"))
                .isEqualTo(TestDatabases.query(db, "SELECT id, NULL, s, b FROM \"tëxt\" ORDER BY id"));
    }

    @Test
    void varintsUseSqliteEncoding() {
        assertThat(varint(0x00)).isEqualTo(0);
        assertThat(varint(0x7f)).isEqualTo(127);
        assertThat(varint(0x81, 0x00)).isEqualTo(128);
        assertThat(varint(0xff, 0x7f)).isEqualTo(16383);
        assertThat(varint(0x81, 0x80, 0x00)).isEqualTo(16384);
        assertThat(varint(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).isEqualTo(-1);
        assertThat(varint(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).isEqualTo(1);
        assertThat(varint(0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)).isEqualTo(Long.MIN_VALUE);
        assertThat(varint(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)).isEqualTo(1L << 57);
        assertThat(SqliteVarint.length(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xff, 0x00), 0, 10))
                .isEqualTo(9);
        assertThatThrownBy(() -> SqliteVarint.read(bytes(0x81, 0x81), 0, 2))
                .isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> SqliteVarint.read(bytes(0x81, 0x01), 0, 1))
                .isInstanceOf(SqliteFormatException.class);
    }

    @Test
    void rejectsMalformedRecords() {
        // header size beyond the record
        assertThatThrownBy(() -> Record.decode(bytes(0x05, 0x01), TextEncoding.UTF_8))
                .isInstanceOf(SqliteFormatException.class);
        // header size 0
        assertThatThrownBy(() -> Record.decode(bytes(0x00), TextEncoding.UTF_8))
                .isInstanceOf(SqliteFormatException.class);
        // reserved serial types
        assertThatThrownBy(() -> Record.decode(bytes(0x02, 10), TextEncoding.UTF_8))
                .isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> Record.decode(bytes(0x02, 11), TextEncoding.UTF_8))
                .isInstanceOf(SqliteFormatException.class);
        // an 8-byte integer with 2 bytes of body
        assertThatThrownBy(() -> Record.decode(bytes(0x02, 0x06, 0x01, 0x02), TextEncoding.UTF_8))
                .isInstanceOf(SqliteFormatException.class);
        // a text of 2^62 bytes
        assertThatThrownBy(() -> Record.decode(bytes(0x0a, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x0d),
                TextEncoding.UTF_8)).isInstanceOf(SqliteFormatException.class);
        // serial type varint running past the header
        assertThatThrownBy(() -> Record.decode(bytes(0x02, 0x81, 0x01), TextEncoding.UTF_8))
                .isInstanceOf(SqliteFormatException.class);
        assertThat(Record.decode(bytes(0x01), TextEncoding.UTF_8)).isEmpty();
    }

    private static long varint(int... values) {
        byte[] b = bytes(values);
        assertThat(SqliteVarint.length(b, 0, b.length)).isEqualTo(b.length);
        return SqliteVarint.read(b, 0, b.length);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void projectsTheIndexKeyOfARowAsSqliteWritesIt() throws Exception {
        Path file = dir.resolve("project.db");
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (a, b TEXT, c REAL, d BLOB)");
            statement.execute("CREATE INDEX i ON t (d, b, c)");
            statement.execute("INSERT INTO t (rowid, a, b, c, d) VALUES (300000, 1, 'x', 2.0, X'01'), "
                    + "(-5, NULL, '" + "y".repeat(200) + "', 1.5, NULL)");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            PageSource pages = PageSource.ofFile(channel);
            BTreePage table = BTreePage.read(pages, 2, 4096);
            BTreePage index = BTreePage.read(pages, 3, 4096);
            IndexKeyComparator binary = IndexKeyComparator.of(java.util.Collections.nCopies(3,
                    new IndexKeyComparator.Column(IndexKeyComparator.Collation.BINARY, false)), TextEncoding.UTF_8);
            List<byte[]> entries = List.of(index.indexCellPayload(0, pages), index.indexCellPayload(1, pages));
            for (TableLeafCell row : table.tableLeafCells()) {
                byte[] key = Record.project(row.payload(pages), new int[] {3, 1, 2}, row.rowid());
                assertThat(entries.stream().filter(entry -> binary.compare(key, entry) == 0)).hasSize(1);
                assertThat(Record.decode(key, TextEncoding.UTF_8).get(3)).isEqualTo(row.rowid());
            }
            assertThat(Record.project(table.tableLeafCell(0).payload(pages), new int[] {4}, 1)).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 1L << 35, 1L << 55, (1L << 56) - 1,
            1L << 56, Long.MAX_VALUE, -1, Long.MIN_VALUE})
    void varintsEncodeAsTheyDecode(long value) {
        byte[] bytes = SqliteVarint.encode(value);
        assertThat(SqliteVarint.read(bytes, 0, bytes.length)).isEqualTo(value);
        assertThat(SqliteVarint.length(bytes, 0, bytes.length)).isEqualTo(bytes.length);
        assertThat(SqliteVarint.encodedLength(value)).isEqualTo(bytes.length);
        byte[] inside = new byte[bytes.length + 3];
        assertThat(SqliteVarint.write(value, inside, 2)).isEqualTo(bytes.length + 2);
        assertThat(Arrays.copyOfRange(inside, 2, bytes.length + 2)).isEqualTo(bytes);
        assertThatThrownBy(() -> SqliteVarint.read(bytes, 0, bytes.length - 1))
                .isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> SqliteVarint.length(bytes, 0, bytes.length - 1))
                .isInstanceOf(SqliteFormatException.class);
    }
}
