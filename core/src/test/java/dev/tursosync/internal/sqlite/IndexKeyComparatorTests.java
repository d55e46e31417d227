package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.internal.sqlite.IndexKeyComparator.Collation;
import dev.tursosync.internal.sqlite.IndexKeyComparator.Column;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-built index records compared as SQLite orders them. */
class IndexKeyComparatorTests {

    private static final Column BINARY = new Column(Collation.BINARY, false);

    @Test
    void storageClassesOrderNullNumbersTextBlob() {
        IndexKeyComparator c = comparator(BINARY);
        assertThat(c.compare(record((Object) null), record(-5L))).isNegative();
        assertThat(c.compare(record(1_000_000L), record("0"))).isNegative();
        assertThat(c.compare(record("zzz"), record(new byte[] {0}))).isNegative();
    }

    @Test
    void integersAndRealsCompareByValue() {
        IndexKeyComparator c = comparator(BINARY);
        assertThat(c.compare(record(2L), record(2.5))).isNegative();
        assertThat(c.compare(record(3L), record(2.5))).isPositive();
        assertThat(c.compare(record(2L), record(2.0))).isZero();
        assertThat(c.compare(record(0L), record(1L))).isNegative();
        assertThat(c.compare(record(Long.MAX_VALUE), record(9.3e18))).isNegative();
        assertThat(c.compare(record(-300L), record(-2L))).isNegative();
    }

    @Test
    void collationsFoldCaseOrTrailingSpaces() {
        assertThat(comparator(BINARY).compare(record("B"), record("a"))).isNegative();
        assertThat(comparator(new Column(Collation.NOCASE, false)).compare(record("B"), record("a"))).isPositive();
        assertThat(comparator(new Column(Collation.NOCASE, false)).compare(record("ABC"), record("abc"))).isZero();
        assertThat(comparator(new Column(Collation.NOCASE, false)).compare(record("É"), record("é"))).isNotZero();
        assertThat(comparator(BINARY).compare(record("x "), record("x"))).isPositive();
        assertThat(comparator(new Column(Collation.RTRIM, false)).compare(record("x  "), record("x"))).isZero();
    }

    @Test
    void descendingColumnsReverseAndTheRowidBreaksTies() {
        IndexKeyComparator c = comparator(new Column(Collation.NOCASE, false), new Column(Collation.BINARY, true));
        assertThat(c.compare(record("a", 5L, 1L), record("A", 4L, 2L))).isNegative();
        assertThat(c.compare(record("a", 5L, 1L), record("a", 5L, 2L))).isNegative();
        assertThat(c.compare(record("a", 5L, 3L), record("a", 5L, 2L))).isPositive();
    }

    @Test
    void unknownCollationsAndUtf16TextAreRefused() {
        assertThat(IndexKeyComparator.of(List.of(new Column(Collation.named("unicode61"), false)),
                TextEncoding.UTF_8)).isNull();
        assertThat(IndexKeyComparator.of(List.of(new Column(Collation.NOCASE, false)), TextEncoding.UTF_16LE))
                .isNull();
        assertThat(IndexKeyComparator.of(List.of(BINARY), TextEncoding.UTF_16LE)).isNotNull();
        assertThat(Collation.named("nocase")).isEqualTo(Collation.NOCASE);
    }

    @Test
    void recordsInsideLargerArraysCompareInPlaceAsTheirCopiesDo() {
        IndexKeyComparator c = comparator(new Column(Collation.NOCASE, false), new Column(Collation.BINARY, true));
        byte[] a = record("Abc", 7L, 3L);
        byte[] b = record("abc", 7L, 2L);
        byte[] page = new byte[5 + a.length + b.length];
        System.arraycopy(a, 0, page, 5, a.length);
        System.arraycopy(b, 0, page, 5 + a.length, b.length);

        assertThat(c.compare(page, 5, a.length, page, 5 + a.length, b.length)).isPositive()
                .isEqualTo(c.compare(a, b));
        assertThat(c.compare(b, 0, b.length, page, 5, a.length)).isNegative().isEqualTo(c.compare(b, a));
        assertThat(c.compare(a, 0, a.length, page, 5, a.length)).isZero();
    }

    @Test
    void aMalformedHeaderIsRefusedEvenWhenTheFirstColumnDecides() {
        IndexKeyComparator c = comparator(BINARY, BINARY);
        byte[] bad = record(1L, "x");
        bad[2] = (byte) 0x8f;
        assertThatThrownBy(() -> c.compare(record(5L, "x"), bad)).isInstanceOf(SqliteFormatException.class);
        byte[] cut = record(1L, "xyz");
        assertThatThrownBy(() -> c.compare(cut, 0, cut.length - 1, record(1L, "xyz"), 0, cut.length))
                .isInstanceOf(SqliteFormatException.class);
    }

    private static IndexKeyComparator comparator(Column... columns) {
        return IndexKeyComparator.of(List.of(columns), TextEncoding.UTF_8);
    }

    /** A record with the smallest serial types SQLite would pick. */
    private static byte[] record(Object... values) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object value : values) {
            if (value == null) {
                header.write(0);
            } else if (value instanceof Long l) {
                header.write(6);
                for (int i = 7; i >= 0; i--) {
                    body.write((int) (l >>> (8 * i)));
                }
            } else if (value instanceof Double d) {
                header.write(7);
                long bits = Double.doubleToLongBits(d);
                for (int i = 7; i >= 0; i--) {
                    body.write((int) (bits >>> (8 * i)));
                }
            } else if (value instanceof String s) {
                byte[] text = s.getBytes(StandardCharsets.UTF_8);
                header.write(13 + 2 * text.length);
                body.writeBytes(text);
            } else {
                byte[] blob = (byte[]) value;
                header.write(12 + 2 * blob.length);
                body.writeBytes(blob);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.size() + 1);
        out.writeBytes(header.toByteArray());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
