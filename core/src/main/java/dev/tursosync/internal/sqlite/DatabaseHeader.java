package dev.tursosync.internal.sqlite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The first 100 bytes of a database file (the start of page 1). */
public final class DatabaseHeader {

    /** Length of the header in bytes. */
    public static final int SIZE = 100;
    /** Smallest page size SQLite allows. */
    public static final int MIN_PAGE_SIZE = 512;
    /** Largest page size SQLite allows. */
    public static final int MAX_PAGE_SIZE = 65536;
    /** Smallest usable size (page size minus reserved bytes) SQLite allows. */
    public static final int MIN_USABLE_SIZE = 480;

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final int pageSize;
    private final int writeVersion;
    private final int readVersion;
    private final int reservedBytes;
    private final long fileChangeCounter;
    private final long databaseSizeInPages;
    private final long firstFreelistTrunkPage;
    private final long freelistPageCount;
    private final long schemaCookie;
    private final long schemaFormat;
    private final TextEncoding textEncoding;
    private final long versionValidFor;
    private final long sqliteVersionNumber;

    private DatabaseHeader(byte[] b) {
        pageSize = decodePageSize(b);
        writeVersion = b[18] & 0xff;
        readVersion = b[19] & 0xff;
        reservedBytes = b[20] & 0xff;
        fileChangeCounter = u32(b, 24);
        databaseSizeInPages = u32(b, 28);
        firstFreelistTrunkPage = u32(b, 32);
        freelistPageCount = u32(b, 36);
        schemaCookie = u32(b, 40);
        schemaFormat = u32(b, 44);
        textEncoding = TextEncoding.fromCode(u32(b, 56));
        versionValidFor = u32(b, 92);
        sqliteVersionNumber = u32(b, 96);
    }

    /**
     * Parses and validates the header.
     *
     * @param page1 the image of page 1 (only the first 100 bytes are read)
     * @return the header
     * @throws SqliteFormatException if the bytes are not a valid SQLite 3 header
     */
    public static DatabaseHeader parse(byte[] page1) {
        if (page1 == null || page1.length < SIZE) {
            throw new SqliteFormatException("database header needs " + SIZE + " bytes, got "
                    + (page1 == null ? "none" : page1.length));
        }
        if (!hasMagic(page1)) {
            throw new SqliteFormatException("not an SQLite 3 database: bad header magic");
        }
        int pageSize = decodePageSize(page1);
        if (!isValidPageSize(pageSize)) {
            throw new SqliteFormatException("invalid page size " + pageSize + " in database header");
        }
        int usable = pageSize - (page1[20] & 0xff);
        if (usable < MIN_USABLE_SIZE) {
            throw new SqliteFormatException("usable page size " + usable + " is below " + MIN_USABLE_SIZE);
        }
        if ((page1[21] & 0xff) != 64 || (page1[22] & 0xff) != 32 || (page1[23] & 0xff) != 32) {
            throw new SqliteFormatException("payload fractions in database header must be 64, 32, 32");
        }
        return new DatabaseHeader(page1);
    }

    /**
     * Reads and parses the header from page 1 of a source.
     *
     * @param source the pages
     * @return the header
     * @throws SqliteFormatException if page 1 is missing or its header is invalid
     */
    public static DatabaseHeader read(PageSource source) {
        byte[] page1 = source.page(1);
        if (page1 == null) {
            throw new SqliteFormatException("page 1 is missing: no database header");
        }
        return parse(page1);
    }

    static boolean hasMagic(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static int decodePageSize(byte[] header) {
        int raw = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
        return raw == 1 ? MAX_PAGE_SIZE : raw;
    }

    static boolean isValidPageSize(int pageSize) {
        return pageSize >= MIN_PAGE_SIZE && pageSize <= MAX_PAGE_SIZE && Integer.bitCount(pageSize) == 1;
    }

    static long u32(byte[] b, int offset) {
        return ((b[offset] & 0xffL) << 24) | ((b[offset + 1] & 0xffL) << 16) | ((b[offset + 2] & 0xffL) << 8)
                | (b[offset + 3] & 0xffL);
    }

    /**
     * The page size in bytes (offset 16; the stored value 1 means 65536).
     *
     * @return a power of two from 512 to 65536
     */
    public int pageSize() {
        return pageSize;
    }

    /**
     * The bytes at the end of every page that b-trees do not use (offset 20).
     *
     * @return 0 to 255
     */
    public int reservedBytes() {
        return reservedBytes;
    }

    /**
     * The usable size U of every page: page size minus reserved bytes.
     *
     * @return at least 480
     */
    public int usableSize() {
        return pageSize - reservedBytes;
    }

    /**
     * The file format write version (offset 18): 1 legacy (rollback journal), 2 WAL.
     *
     * @return the write version
     */
    public int writeVersion() {
        return writeVersion;
    }

    /**
     * The file format read version (offset 19): 1 legacy (rollback journal), 2 WAL.
     *
     * @return the read version
     */
    public int readVersion() {
        return readVersion;
    }

    /**
     * The file change counter (offset 24).
     *
     * @return the counter
     */
    public long fileChangeCounter() {
        return fileChangeCounter;
    }

    /**
     * The database size in pages as stored at offset 28. See {@link #isDatabaseSizeValid()}.
     *
     * @return the stored size
     */
    public long databaseSizeInPages() {
        return databaseSizeInPages;
    }

    /**
     * Whether {@link #databaseSizeInPages()} can be trusted: it is nonzero and the file change counter equals the
     * version-valid-for number (otherwise SQLite derives the size from the file size).
     *
     * @return true when the in-header size is valid
     */
    public boolean isDatabaseSizeValid() {
        return databaseSizeInPages != 0 && fileChangeCounter == versionValidFor;
    }

    /**
     * The first freelist trunk page (offset 32), 0 when the freelist is empty.
     *
     * @return the page number
     */
    public long firstFreelistTrunkPage() {
        return firstFreelistTrunkPage;
    }

    /**
     * The number of freelist pages (offset 36).
     *
     * @return the count
     */
    public long freelistPageCount() {
        return freelistPageCount;
    }

    /**
     * The schema cookie (offset 40), incremented whenever the schema changes.
     *
     * @return the cookie
     */
    public long schemaCookie() {
        return schemaCookie;
    }

    /**
     * The schema format number (offset 44), 1 to 4.
     *
     * @return the format number
     */
    public long schemaFormat() {
        return schemaFormat;
    }

    /**
     * The text encoding of every TEXT value (offset 56).
     *
     * @return the encoding
     */
    public TextEncoding textEncoding() {
        return textEncoding;
    }

    /**
     * The version-valid-for number (offset 92).
     *
     * @return the number
     */
    public long versionValidFor() {
        return versionValidFor;
    }

    /**
     * The SQLite version number of the library that last wrote the file (offset 96), e.g. 3053004.
     *
     * @return the version number
     */
    public long sqliteVersionNumber() {
        return sqliteVersionNumber;
    }

    @Override
    public String toString() {
        return "DatabaseHeader[pageSize=" + pageSize + ", reservedBytes=" + reservedBytes + ", pages="
                + databaseSizeInPages + ", encoding=" + textEncoding + ", schemaCookie=" + schemaCookie + "]";
    }
}
