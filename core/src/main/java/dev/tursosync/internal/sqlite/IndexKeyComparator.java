package dev.tursosync.internal.sqlite;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Compares the records of one index b-tree as SQLite orders them: column by column, NULL before numbers (integers and
 * reals compared by value) before text (by the column's collation) before blobs (bytes); a {@code DESC} column
 * reversed. Columns past the declared ones (the rowid of a rowid table's index) compare as {@code BINARY ASC}.
 *
 * <p>Knows the built-in collations {@code BINARY}, {@code NOCASE} and {@code RTRIM} on UTF-8 databases; see
 * {@link #of(List, TextEncoding)} for what it refuses.
 */
public final class IndexKeyComparator {

    /** A built-in collation. */
    public enum Collation {
        /** Byte order. */
        BINARY,
        /** Byte order with ASCII letters folded to lower case. */
        NOCASE,
        /** Byte order with trailing spaces ignored. */
        RTRIM;

        /**
         * The collation of a name, case-insensitively.
         *
         * @param name the name from the schema, or {@code null} for the default
         * @return the collation, or {@code null} when it is none of the built-in ones
         */
        public static Collation named(String name) {
            if (name == null) {
                return BINARY;
            }
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /**
     * One declared column of an index.
     *
     * @param collation  its collation
     * @param descending whether it sorts {@code DESC}
     */
    public record Column(Collation collation, boolean descending) {
    }

    private final Collation[] collations;
    private final boolean[] descending;

    private IndexKeyComparator(List<Column> columns) {
        this.collations = new Collation[columns.size()];
        this.descending = new boolean[columns.size()];
        for (int i = 0; i < collations.length; i++) {
            collations[i] = columns.get(i).collation();
            descending[i] = columns.get(i).descending();
        }
    }

    /**
     * A comparator for an index, when this class can compare its keys exactly.
     *
     * @param columns  the declared columns, in order
     * @param encoding the database's text encoding
     * @return the comparator, or {@code null} when a collation is unknown or the text is not UTF-8 (SQLite converts
     *         UTF-16 text to UTF-8 before {@code NOCASE} compares it)
     */
    public static IndexKeyComparator of(List<Column> columns, TextEncoding encoding) {
        boolean textMatters = columns.stream().anyMatch(c -> c.collation() != Collation.BINARY);
        if (columns.stream().anyMatch(c -> c.collation() == null)
                || (textMatters && encoding != TextEncoding.UTF_8)) {
            return null;
        }
        return new IndexKeyComparator(columns);
    }

    /**
     * Compares two index records.
     *
     * @param a a record
     * @param b another record of the same index
     * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
     * @throws SqliteFormatException if a record is malformed
     */
    public int compare(byte[] a, byte[] b) {
        return compare(a, 0, a.length, b, 0, b.length);
    }

    /**
     * Compares two index records that lie inside larger arrays (a cell's payload on its page, for example), without
     * copying them. Both headers are checked whole before any value is compared.
     *
     * @param a       the array holding a record
     * @param aOffset where that record starts
     * @param aLength its size
     * @param b       the array holding another record of the same index
     * @param bOffset where that record starts
     * @param bLength its size
     * @return negative, zero or positive as the first record sorts before, with or after the second
     * @throws SqliteFormatException if a record is malformed
     */
    public int compare(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) {
        int aEnd = aOffset + aLength;
        int bEnd = bOffset + bLength;
        int headerEndA = Record.headerEnd(a, aOffset, aEnd);
        int headerEndB = Record.headerEnd(b, bOffset, bEnd);
        int countA = Record.columnCount(a, aOffset, aEnd);
        int countB = Record.columnCount(b, bOffset, bEnd);
        int typeAtA = aOffset + SqliteVarint.length(a, aOffset, aEnd);
        int typeAtB = bOffset + SqliteVarint.length(b, bOffset, bEnd);
        int bodyA = headerEndA;
        int bodyB = headerEndB;
        int shared = Math.min(countA, countB);
        for (int i = 0; i < shared; i++) {
            long typeA = SqliteVarint.read(a, typeAtA, headerEndA);
            typeAtA += SqliteVarint.length(a, typeAtA, headerEndA);
            long typeB = SqliteVarint.read(b, typeAtB, headerEndB);
            typeAtB += SqliteVarint.length(b, typeAtB, headerEndB);
            long sizeA = Record.contentSize(typeA);
            long sizeB = Record.contentSize(typeB);
            if (sizeA > aEnd - bodyA || sizeB > bEnd - bodyB) {
                throw new SqliteFormatException("index record column " + i + " runs past the record end");
            }
            Collation collation = i < collations.length ? collations[i] : Collation.BINARY;
            int result = compareValues(typeA, a, bodyA, (int) sizeA, typeB, b, bodyB, (int) sizeB, collation);
            if (result != 0) {
                return i < descending.length && descending[i] ? -result : result;
            }
            bodyA += (int) sizeA;
            bodyB += (int) sizeB;
        }
        return Integer.compare(countA, countB);
    }

    private static int compareValues(long typeA, byte[] a, int atA, int sizeA, long typeB, byte[] b, int atB,
                                     int sizeB, Collation collation) {
        int classA = storageClass(typeA);
        int classB = storageClass(typeB);
        if (classA != classB) {
            return Integer.compare(classA, classB);
        }
        switch (classA) {
            case 0:
                return 0;
            case 1:
                return compareNumbers(typeA, a, atA, sizeA, typeB, b, atB, sizeB);
            case 2:
                return compareText(a, atA, sizeA, b, atB, sizeB, collation);
            default:
                return compareBytes(a, atA, sizeA, b, atB, sizeB);
        }
    }

    /** 0 NULL, 1 number, 2 text, 3 blob. */
    private static int storageClass(long serialType) {
        if (serialType == 0) {
            return 0;
        }
        if (serialType < 12) {
            return 1;
        }
        return (serialType & 1) == 1 ? 2 : 3;
    }

    /** An integer serial type's value (8 and 9 are the constants 0 and 1). */
    private static long integer(long serialType, byte[] bytes, int at, int size) {
        if (serialType == 8) {
            return 0L;
        }
        if (serialType == 9) {
            return 1L;
        }
        long value = bits(bytes, at, size);
        int unused = 64 - 8 * size;
        return (value << unused) >> unused;
    }

    private static long bits(byte[] bytes, int at, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = (value << 8) | (bytes[at + i] & 0xff);
        }
        return value;
    }

    /** Integers by value; a real against a real, an infinity or a NaN as doubles; else exactly. */
    private static int compareNumbers(long typeA, byte[] a, int atA, int sizeA, long typeB, byte[] b, int atB,
                                      int sizeB) {
        boolean realA = typeA == 7;
        boolean realB = typeB == 7;
        if (!realA && !realB) {
            return Long.compare(integer(typeA, a, atA, sizeA), integer(typeB, b, atB, sizeB));
        }
        long integerA = realA ? 0 : integer(typeA, a, atA, sizeA);
        long integerB = realB ? 0 : integer(typeB, b, atB, sizeB);
        double dx = realA ? Double.longBitsToDouble(bits(a, atA, sizeA)) : integerA;
        double dy = realB ? Double.longBitsToDouble(bits(b, atB, sizeB)) : integerB;
        if (realA && realB || Double.isInfinite(dx) || Double.isInfinite(dy) || Double.isNaN(dx)
                || Double.isNaN(dy)) {
            return dx < dy ? -1 : dx > dy ? 1 : 0;
        }
        BigDecimal x = realA ? new BigDecimal(dx) : BigDecimal.valueOf(integerA);
        BigDecimal y = realB ? new BigDecimal(dy) : BigDecimal.valueOf(integerB);
        return x.compareTo(y);
    }

    private static int compareText(byte[] a, int atA, int sizeA, byte[] b, int atB, int sizeB,
                                   Collation collation) {
        switch (collation) {
            case RTRIM:
                while (sizeA > 0 && a[atA + sizeA - 1] == ' ') {
                    sizeA--;
                }
                while (sizeB > 0 && b[atB + sizeB - 1] == ' ') {
                    sizeB--;
                }
                return compareBytes(a, atA, sizeA, b, atB, sizeB);
            case NOCASE:
                return compareNoCase(a, atA, sizeA, b, atB, sizeB);
            default:
                return compareBytes(a, atA, sizeA, b, atB, sizeB);
        }
    }

    /** SQLite's {@code sqlite3StrNICmp} over the shorter length (it stops at a NUL byte), then the lengths. */
    private static int compareNoCase(byte[] a, int atA, int sizeA, byte[] b, int atB, int sizeB) {
        int shared = Math.min(sizeA, sizeB);
        for (int i = 0; i < shared; i++) {
            int x = lower(a[atA + i] & 0xff);
            int y = lower(b[atB + i] & 0xff);
            if ((a[atA + i] == 0) || x != y) {
                int result = x - y;
                if (result != 0) {
                    return result;
                }
                break;
            }
        }
        return Integer.compare(sizeA, sizeB);
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static int compareBytes(byte[] a, int atA, int sizeA, byte[] b, int atB, int sizeB) {
        int shared = Math.min(sizeA, sizeB);
        for (int i = 0; i < shared; i++) {
            int x = a[atA + i] & 0xff;
            int y = b[atB + i] & 0xff;
            if (x != y) {
                return x - y;
            }
        }
        return Integer.compare(sizeA, sizeB);
    }
}
