package dev.tursosync.internal.client;

import dev.tursosync.ReplicaInUseException;
import dev.tursosync.ReplicaPathException;
import dev.tursosync.internal.io.ReplicaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one-owner lock of a replica: an exclusive operating-system lock on {@code <db>-lock}, held from the start of
 * {@code open()} (before bootstrap or recovery touch anything) until the client has closed every connection. The
 * operating system releases it when the process dies, so a crash never leaves the replica locked.
 *
 * <p>The lock is taken on a sibling file, never on the database itself: closing any handle on a live SQLite database
 * drops SQLite's POSIX locks for the whole process. For the same reason this JVM opens the lock file at most once
 * at a time: a second client of this JVM is refused by a registry of held locks before it opens a handle, because
 * closing that handle would drop the first client's lock too.
 */
final class ReplicaLock implements AutoCloseable {

    /** Lock files held by clients of this JVM, by real path. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    private ReplicaLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of a replica at once, or fails.
     *
     * @param database the database file
     * @return the held lock
     * @throws ReplicaInUseException if another client, of this JVM or another process, holds it
     * @throws ReplicaPathException  if the database's folder does not exist
     */
    static ReplicaLock acquire(Path database) {
        Path key = lockFileOf(database);
        if (!HELD.add(key)) {
            throw new ReplicaInUseException(database, null);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new ReplicaInUseException(database, null);
            }
            return new ReplicaLock(key, channel, lock);
        } catch (OverlappingFileLockException e) {
            throw release(key, channel, new ReplicaInUseException(database, e));
        } catch (IOException e) {
            throw release(key, channel, new UncheckedIOException("cannot lock the replica " + database + " with "
                    + key, e));
        } catch (RuntimeException e) {
            throw release(key, channel, e);
        }
    }

    /** The lock file, by the real path of its folder, so that two spellings of one replica share one lock. */
    private static Path lockFileOf(Path database) {
        Path absolute = database.toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new ReplicaPathException("the folder " + folder + " of the replica " + database
                    + " does not exist; create it first (the client does not create folders)", null);
        }
        try {
            return folder.toRealPath().resolve(ReplicaFiles.lockName(absolute));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the folder of the replica " + database, e);
        }
    }

    private static RuntimeException release(Path key, FileChannel channel, RuntimeException error) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            error.addSuppressed(e);
        } finally {
            HELD.remove(key);
        }
        return error;
    }

    /**
     * Releases the lock; later calls do nothing. The lock file stays: deleting it would let two owners lock two
     * different files.
     */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try (FileChannel closing = channel) {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock " + key, e);
        } finally {
            HELD.remove(key);
        }
    }
}
