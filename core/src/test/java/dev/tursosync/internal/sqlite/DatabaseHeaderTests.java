package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DatabaseHeaderTests {

    @TempDir
    Path dir;

    @Test
    void matchesWhatSqliteReports() {
        Path db = TestDatabases.create(dir.resolve("h.db"),
                "CREATE TABLE a(x)", "CREATE TABLE b(y)", "INSERT INTO a VALUES (randomblob(20000))",
                "DELETE FROM a");
        DatabaseHeader header = DatabaseHeader.read(TestDatabases.inMemory(db));

        assertThat(header.pageSize()).isEqualTo(4096);
        assertThat(header.reservedBytes()).isZero();
        assertThat(header.usableSize()).isEqualTo(4096);
        assertThat(header.textEncoding()).isEqualTo(TextEncoding.UTF_8);
        assertThat(header.databaseSizeInPages()).isEqualTo(TestDatabases.queryLong(db, "PRAGMA page_count"));
        assertThat(header.isDatabaseSizeValid()).isTrue();
        assertThat(header.schemaCookie()).isEqualTo(TestDatabases.queryLong(db, "PRAGMA schema_version"));
        assertThat(header.freelistPageCount()).isEqualTo(TestDatabases.queryLong(db, "PRAGMA freelist_count"))
                .isPositive();
        assertThat(header.firstFreelistTrunkPage()).isPositive();
        assertThat(header.schemaFormat()).isEqualTo(4);
        assertThat(header.writeVersion()).isEqualTo(1);
        assertThat(header.readVersion()).isEqualTo(1);
        assertThat(header.sqliteVersionNumber()).isEqualTo(3053004);
    }

    @Test
    void readsPageSize65536FromTheValueOne() {
        Path db = TestDatabases.create(dir.resolve("big.db"), "PRAGMA page_size=65536", "CREATE TABLE a(x)");
        byte[] file = TestDatabases.readAllBytes(db);
        assertThat(file[16]).isEqualTo((byte) 0);
        assertThat(file[17]).isEqualTo((byte) 1);
        assertThat(DatabaseHeader.parse(file).pageSize()).isEqualTo(65536);
    }

    @Test
    void walModeDatabaseAfterCheckpoint() {
        Path db = TestDatabases.create(dir.resolve("wal.db"), "PRAGMA journal_mode=WAL", "CREATE TABLE a(x)",
                "INSERT INTO a VALUES ('walrow')", "PRAGMA wal_checkpoint(TRUNCATE)");
        PageSource source = TestDatabases.inMemory(db);
        DatabaseHeader header = DatabaseHeader.read(source);
        assertThat(header.writeVersion()).isEqualTo(2);
        assertThat(header.readVersion()).isEqualTo(2);
        assertThat(TableReading.rowidAndValues(source, "a")).containsExactly(java.util.List.of(1L, "walrow"));
    }

    @Test
    void rejectsInvalidHeaders() {
        byte[] valid = OverflowTests.emptyDatabaseWithReservedBytes(4096, 0);
        assertThat(DatabaseHeader.parse(valid).pageSize()).isEqualTo(4096);

        byte[] badMagic = valid.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> DatabaseHeader.parse(badMagic))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("magic");

        byte[] badPageSize = valid.clone();
        badPageSize[16] = 0x03;
        badPageSize[17] = (byte) 0xe8; // 1000
        assertThatThrownBy(() -> DatabaseHeader.parse(badPageSize))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("page size");

        byte[] tooManyReserved = valid.clone();
        tooManyReserved[16] = 0x02;
        tooManyReserved[17] = 0x00; // 512
        tooManyReserved[20] = 40; // usable 472
        assertThatThrownBy(() -> DatabaseHeader.parse(tooManyReserved))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("usable");

        byte[] badEncoding = valid.clone();
        badEncoding[59] = 7;
        assertThatThrownBy(() -> DatabaseHeader.parse(badEncoding))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("encoding");

        byte[] badFractions = valid.clone();
        badFractions[21] = 63;
        assertThatThrownBy(() -> DatabaseHeader.parse(badFractions)).isInstanceOf(SqliteFormatException.class);

        assertThatThrownBy(() -> DatabaseHeader.parse(new byte[99])).isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> DatabaseHeader.parse(null)).isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> DatabaseHeader.read(n -> null)).isInstanceOf(SqliteFormatException.class);
    }

    @Test
    void encodingZeroMeansUtf8() {
        byte[] page = OverflowTests.emptyDatabaseWithReservedBytes(4096, 0);
        page[59] = 0;
        assertThat(DatabaseHeader.parse(page).textEncoding()).isEqualTo(TextEncoding.UTF_8);
    }
}
