package dev.tursosync.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.sqlite.IndexKeyComparator.Collation;
import dev.tursosync.internal.sqlite.IndexKeyComparator.Column;
import org.junit.jupiter.api.Test;

class IndexColumnsTests {

    private static final String TABLE = "CREATE TABLE \"T\"(id INTEGER PRIMARY KEY, [name] TEXT COLLATE NoCase "
            + "CHECK (name COLLATE BINARY <> ''), score REAL, \"tag\" TEXT DEFAULT 'x COLLATE y', UNIQUE(tag))";

    @Test
    void readsCollationsFromTheIndexOrTheTableAndDirections() {
        assertThat(IndexColumns.read("CREATE INDEX i ON T(name, score DESC, tag COLLATE rtrim ASC, rowid)", TABLE))
                .containsExactly(new Column(Collation.NOCASE, false), new Column(Collation.BINARY, true),
                        new Column(Collation.RTRIM, false), new Column(Collation.BINARY, false));
        assertThat(IndexColumns.read("CREATE UNIQUE INDEX IF NOT EXISTS \"i\" ON \"T\" (\"name\" COLLATE binary)"
                + " WHERE score > 0", TABLE)).containsExactly(new Column(Collation.BINARY, false));
    }

    @Test
    void refusesWhatItCannotBeSureOf() {
        assertThat(IndexColumns.read("CREATE INDEX i ON T(lower(name))", TABLE)).isNull();
        assertThat(IndexColumns.read("CREATE INDEX i ON T(name COLLATE unicode)", TABLE)).isNull();
        assertThat(IndexColumns.read("CREATE INDEX i ON T(missing)", TABLE)).isNull();
        assertThat(IndexColumns.read(null, TABLE)).isNull();
        assertThat(IndexColumns.read("CREATE INDEX i ON w(a)", "CREATE TABLE w(a, b, PRIMARY KEY(b)) WITHOUT ROWID"))
                .isNull();
        assertThat(IndexColumns.read("CREATE INDEX i ON T(name", TABLE)).isNull();
    }

    @Test
    void positionsFollowTheTableColumnsForFullIndexesOnPlainColumns() {
        assertThat(IndexColumns.positions("CREATE INDEX i ON T(tag, name COLLATE rtrim DESC, score)", TABLE))
                .containsExactly(3, 1, 2);
        assertThat(IndexColumns.positions("CREATE INDEX i ON t (c)", "CREATE TABLE t (a INTEGER, b TEXT, c, "
                + "PRIMARY KEY (a, b))")).containsExactly(2);
        assertThat(IndexColumns.positions("CREATE INDEX i ON t (a)", "CREATE TABLE t (a INT PRIMARY KEY, b)"))
                .containsExactly(0);
    }

    @Test
    void positionsRefuseIndexesWhoseEntriesAreNotTheStoredValues() {
        assertThat(IndexColumns.positions("CREATE INDEX i ON T(name) WHERE score > 0", TABLE)).isNull();
        assertThat(IndexColumns.positions("CREATE INDEX i ON T(name, id)", TABLE)).isNull();
        assertThat(IndexColumns.positions("CREATE INDEX i ON T(name, rowid)", TABLE)).isNull();
        assertThat(IndexColumns.positions("CREATE INDEX i ON T(lower(name))", TABLE)).isNull();
        assertThat(IndexColumns.positions("CREATE INDEX i ON t (a)", "CREATE TABLE t (a INTEGER, b, "
                + "PRIMARY KEY (a))")).isNull();
        assertThat(IndexColumns.positions("CREATE INDEX i ON t (b)", "CREATE TABLE t (a, g AS (a + 1), b)"))
                .isNull();
        assertThat(IndexColumns.positions("CREATE INDEX i ON t (b)", "CREATE TABLE t (a, g GENERATED ALWAYS "
                + "AS (a + 1) STORED, b)")).isNull();
        assertThat(IndexColumns.positions("CREATE INDEX i ON w(a)", "CREATE TABLE w(a, b, PRIMARY KEY(b)) "
                + "WITHOUT ROWID")).isNull();
    }

    @Test
    void readsWhetherATableHasNoRowid() {
        assertThat(IndexColumns.declaresWithoutRowid("CREATE TABLE w(a, b, PRIMARY KEY(b)) WITHOUT ROWID")).isTrue();
        assertThat(IndexColumns.declaresWithoutRowid("CREATE TABLE w(a PRIMARY KEY, b) without rowid, strict"))
                .isTrue();
        assertThat(IndexColumns.declaresWithoutRowid(TABLE)).isFalse();
        assertThat(IndexColumns.declaresWithoutRowid("CREATE TABLE t(a CHECK (a <> 'WITHOUT ROWID'))")).isFalse();
        assertThat(IndexColumns.declaresWithoutRowid(null)).isFalse();
    }
}
