package dev.tursosync.internal.rebase;

import java.nio.channels.FileChannel;
import java.sql.Connection;

/**
 * A database folded in while the client keeps its connections open: an idle read-write connection to run SQLite's
 * checkpoint on (its WAL index is current), and a read handle on the database file that its owner closes only once
 * every connection has closed (closing a handle on the file drops SQLite's locks on it). Used under the exclusive
 * permit, with no statement or transaction open on any connection and nothing else writing.
 *
 * @param connection   an idle read-write connection, in auto-commit mode
 * @param databaseFile a read handle on the database file, which its users never close
 */
public record OpenDatabase(Connection connection, FileChannel databaseFile) {
}
