/**
 * Reading and appending SQLite write-ahead-log ({@code -wal}) files without SQLite's C API.
 *
 * <p>The pull path applies remote page images to the local database by appending them to its {@code -wal} file as
 * one committed transaction while no connection has the database open; SQLite's WAL recovery then makes the new
 * state visible atomically on the next open, and ignores a torn append. {@link dev.tursosync.internal.wal.WalScanner}
 * reports what recovery would see in a WAL file, {@link dev.tursosync.internal.wal.WalWriter} appends a transaction,
 * {@link dev.tursosync.internal.wal.WalReader} reads a replica's log again from where its last read ended.
 *
 * <p>The format follows <a href="https://www.sqlite.org/fileformat2.html#the_write_ahead_log">the SQLite file
 * format, section 4</a>. These classes only ever open the {@code -wal} file (and, after creating it, its folder),
 * never the database file or its {@code -shm}: closing a descriptor on those drops the POSIX locks of every SQLite
 * connection in the process.
 */
package dev.tursosync.internal.wal;
