package dev.tursosync.internal.wal;

import java.nio.file.Path;

/**
 * Child JVM entry point for the bounded-memory test: {@code WalAppendChild <wal> <pages>} appends generated pages
 * and prints {@code frames=N}.
 */
final class WalAppendChild {

    private WalAppendChild() {
    }

    public static void main(String[] args) {
        int pages = Integer.parseInt(args[1]);
        WalAppend append = WalWriter.appendTransaction(Path.of(args[0]), Sqlite.PAGE_SIZE,
                new WalWriterTests.Generated(pages, Sqlite.PAGE_SIZE, 4), pages);
        System.out.println("frames=" + append.frameCount() + " bytes=" + append.byteLength());
    }
}
