package dev.tursosync.internal.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/** Reads whole pages of a database file with positional reads. */
final class FilePageSource implements PageSource {

    private final FileChannel file;
    private final int pageSize;

    FilePageSource(FileChannel file, int pageSize) {
        this.file = Objects.requireNonNull(file, "file");
        if (pageSize < DatabaseHeader.MIN_PAGE_SIZE || pageSize > DatabaseHeader.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size out of range: " + pageSize);
        }
        this.pageSize = pageSize;
    }

    static FilePageSource open(FileChannel file) {
        byte[] header = new byte[DatabaseHeader.SIZE];
        int read = readFully(file, ByteBuffer.wrap(header), 0);
        int pageSize = DEFAULT_PAGE_SIZE;
        if (read == DatabaseHeader.SIZE && DatabaseHeader.hasMagic(header)) {
            int fromHeader = DatabaseHeader.decodePageSize(header);
            if (DatabaseHeader.isValidPageSize(fromHeader)) {
                pageSize = fromHeader;
            }
        }
        return new FilePageSource(file, pageSize);
    }

    @Override
    public byte[] page(long pageNumber) {
        if (pageNumber < 1) {
            return null;
        }
        long offset = (pageNumber - 1) * pageSize;
        if (offset / pageSize != pageNumber - 1) {
            return null;
        }
        byte[] image = new byte[pageSize];
        return readFully(file, ByteBuffer.wrap(image), offset) == pageSize ? image : null;
    }

    private static int readFully(FileChannel file, ByteBuffer buffer, long offset) {
        try {
            int total = 0;
            while (buffer.hasRemaining()) {
                int n = file.read(buffer, offset + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read database file at offset " + offset, e);
        }
    }
}
