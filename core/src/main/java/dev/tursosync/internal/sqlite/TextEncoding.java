package dev.tursosync.internal.sqlite;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The text encoding of a database, from offset 56 of the database header. */
public enum TextEncoding {
    /** Header value 1. */
    UTF_8(1, StandardCharsets.UTF_8),
    /** Header value 2. */
    UTF_16LE(2, StandardCharsets.UTF_16LE),
    /** Header value 3. */
    UTF_16BE(3, StandardCharsets.UTF_16BE);

    private final int code;
    private final Charset charset;

    TextEncoding(int code, Charset charset) {
        this.code = code;
        this.charset = charset;
    }

    /**
     * The value stored in the database header.
     *
     * @return 1, 2 or 3
     */
    public int code() {
        return code;
    }

    /**
     * The Java charset that decodes TEXT values of this encoding.
     *
     * @return the charset
     */
    public Charset charset() {
        return charset;
    }

    /**
     * The encoding for a header value. SQLite treats 0 (a database whose schema was never written) as UTF-8.
     *
     * @param code the header value at offset 56
     * @return the encoding
     * @throws SqliteFormatException if the value is not 0, 1, 2 or 3
     */
    public static TextEncoding fromCode(long code) {
        if (code == 0 || code == 1) {
            return UTF_8;
        } else if (code == 2) {
            return UTF_16LE;
        } else if (code == 3) {
            return UTF_16BE;
        }
        throw new SqliteFormatException("unknown text encoding " + code + " in database header");
    }
}
