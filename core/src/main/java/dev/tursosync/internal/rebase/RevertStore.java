package dev.tursosync.internal.rebase;

import dev.tursosync.internal.io.Durability;
import dev.tursosync.internal.io.ReplicaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The revert store {@code <db>-revert}: the synced version of every page that a checkpoint folded local changes
 * into. With it the synced state stays recoverable after checkpoints: it is the database file with these pages put
 * back (see {@link SyncedPages}).
 *
 * <p>The file is append-only between pulls: a header (with the synced database size), then records of a page number, a checksum and the page.
 * A page is stored once: later checkpoints of the same page add nothing, so the store holds at most the pages
 * touched locally since the last pull. Records are forced before the checkpoint that needs them runs, so a torn
 * record at the end (a crash while appending) belongs to a page that was not checkpointed yet, and reading stops
 * there. A pull replaces the whole store with a new file renamed into place.
 */
public final class RevertStore {

    private static final byte[] MAGIC = "TSREVRT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int HEADER_SIZE = 16;
    private static final int RECORD_HEADER_SIZE = 8;

    private final Path file;
    private final int pageSize;
    private final Map<Integer, Long> offsets;
    private long validLength;
    private long syncedSizePages;

    private RevertStore(Path file, int pageSize, Map<Integer, Long> offsets, long validLength, long syncedSizePages) {
        this.file = file;
        this.pageSize = pageSize;
        this.offsets = offsets;
        this.validLength = validLength;
        this.syncedSizePages = syncedSizePages;
    }

    /**
     * The store's file next to a database.
     *
     * @param database the database file
     * @return {@code <db>-revert}
     */
    public static Path fileOf(Path database) {
        return ReplicaFiles.revertStore(database);
    }

    /**
     * A store with no page, read from nowhere: the synced state of a WAL with a synced prefix does not use one.
     *
     * @param pageSize the database page size
     * @return the empty store
     */
    public static RevertStore empty(int pageSize) {
        return new RevertStore(null, pageSize, new HashMap<>(), 0, 0);
    }

    /**
     * Reads the index of a store; a missing file is an empty store.
     *
     * @param file     the store
     * @param pageSize the database page size
     * @return the store
     */
    public static RevertStore open(Path file, int pageSize) {
        Map<Integer, Long> offsets = new HashMap<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long syncedSize = size < HEADER_SIZE ? 0 : syncedSize(channel, pageSize);
            if (syncedSize == 0) {
                return new RevertStore(file, pageSize, offsets, 0, 0);
            }
            long offset = HEADER_SIZE;
            ByteBuffer recordHeader = ByteBuffer.allocate(RECORD_HEADER_SIZE);
            ByteBuffer page = ByteBuffer.allocate(pageSize);
            while (offset + RECORD_HEADER_SIZE + pageSize <= size) {
                recordHeader.clear();
                page.clear();
                readFully(channel, recordHeader, offset);
                readFully(channel, page, offset + RECORD_HEADER_SIZE);
                int pageNumber = recordHeader.getInt(0);
                if (pageNumber < 1 || recordHeader.getInt(4) != checksum(pageNumber, page.array())) {
                    break;
                }
                offsets.putIfAbsent(pageNumber, offset + RECORD_HEADER_SIZE);
                offset += RECORD_HEADER_SIZE + pageSize;
            }
            return new RevertStore(file, pageSize, offsets, offset, syncedSize);
        } catch (NoSuchFileException e) {
            return new RevertStore(file, pageSize, offsets, 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the revert store " + file, e);
        }
    }

    /** The synced size the header records, 0 if the header is not a valid one for this page size. */
    private static long syncedSize(FileChannel channel, int pageSize) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        readFully(channel, header, 0);
        boolean valid = Arrays.equals(Arrays.copyOf(header.array(), MAGIC.length), MAGIC)
                && header.getInt(8) == pageSize;
        return valid ? Integer.toUnsignedLong(header.getInt(12)) : 0;
    }

    /**
     * The size of the synced database, as recorded when the store was started (SQLite's in-header size of a remote
     * page 1 may be stale, so it is not read from there).
     *
     * @return pages, or 0 when the store is empty and the database file itself is the synced state
     */
    public long syncedSizePages() {
        return syncedSizePages;
    }

    /**
     * Whether the store holds a page.
     *
     * @param pageNumber the page
     * @return whether its synced version is here
     */
    public boolean contains(long pageNumber) {
        return pageNumber <= Integer.MAX_VALUE && offsets.containsKey((int) pageNumber);
    }

    /**
     * The stored pages.
     *
     * @return their numbers, ascending
     */
    public int[] pageNumbers() {
        return offsets.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * How many pages the store holds.
     *
     * @return the count
     */
    public int pageCount() {
        return offsets.size();
    }

    /**
     * The synced version of a stored page.
     *
     * @param pageNumber the page
     * @return its image, or {@code null} if it is not stored
     */
    public byte[] page(long pageNumber) {
        Long offset = contains(pageNumber) ? offsets.get((int) pageNumber) : null;
        if (offset == null) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer page = ByteBuffer.allocate(pageSize);
            readFully(channel, page, offset);
            return page.array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the revert store " + file, e);
        }
    }

    /**
     * Adds pages that are not stored yet and forces them to disk. Pages already stored are skipped: the store keeps
     * the first (synced) version.
     *
     * @param pages      page number to synced image
     * @param syncedSize the synced size to record if the store is new (the file's size: nothing was folded into it
     *                   since the last pull)
     */
    public void addAbsent(Map<Integer, byte[]> pages, long syncedSize) {
        Map<Integer, byte[]> fresh = new HashMap<>(pages);
        fresh.keySet().removeAll(offsets.keySet());
        if (fresh.isEmpty()) {
            return;
        }
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long offset = validLength;
            if (offset == 0) {
                syncedSizePages = syncedSize;
                writeFully(channel, header(pageSize, syncedSize), 0);
                offset = HEADER_SIZE;
            }
            channel.truncate(offset);
            for (var entry : fresh.entrySet()) {
                writeFully(channel, record(entry.getKey(), entry.getValue()), offset);
                offsets.put(entry.getKey(), offset + RECORD_HEADER_SIZE);
                offset += RECORD_HEADER_SIZE + pageSize;
            }
            channel.force(true);
            validLength = offset;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the revert store " + file, e);
        }
        if (created) {
            forceFolder(file);
        }
    }

    /**
     * Writes a complete store into a new file, forced, ready to be {@linkplain #install installed}.
     *
     * @param file     the new file
     * @param pageSize   the page size
     * @param syncedSize the size of the synced database in pages
     * @param pages      page number to synced image
     */
    public static void writeNew(Path file, int pageSize, long syncedSize, Map<Integer, byte[]> pages) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, header(pageSize, syncedSize), 0);
            long offset = HEADER_SIZE;
            for (var entry : pages.entrySet()) {
                writeFully(channel, record(entry.getKey(), entry.getValue()), offset);
                offset += RECORD_HEADER_SIZE + pageSize;
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the revert store " + file, e);
        }
    }

    /**
     * Renames a store written by {@link #writeNew} over the current one, durably.
     *
     * @param next     the new store
     * @param database the database file
     */
    public static void install(Path next, Path database) {
        try {
            Files.move(next, fileOf(database), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.forceFolder(database);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the revert store " + next, e);
        }
    }

    /**
     * The size of a store's file.
     *
     * @param database the database file
     * @return bytes, 0 if there is none
     */
    public static long sizeOf(Path database) {
        try {
            return Files.size(fileOf(database));
        } catch (IOException e) {
            return 0;
        }
    }

    private static byte[] header(int pageSize, long syncedSize) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.put(MAGIC).putInt(pageSize).putInt(Math.toIntExact(syncedSize));
        return header.array();
    }

    private static byte[] record(int pageNumber, byte[] page) {
        return ByteBuffer.allocate(RECORD_HEADER_SIZE + page.length).putInt(pageNumber)
                .putInt(checksum(pageNumber, page)).put(page).array();
    }

    private static int checksum(int pageNumber, byte[] page) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(0, pageNumber));
        crc.update(page);
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new java.io.EOFException("unexpected end of " + offset);
            }
        }
    }

    private static void writeFully(FileChannel channel, byte[] bytes, long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, offset + buffer.position());
        }
    }

    private static void forceFolder(Path file) {
        try {
            Durability.forceFolder(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the folder of " + file, e);
        }
    }
}
