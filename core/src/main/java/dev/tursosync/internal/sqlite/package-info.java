/**
 * Read-only decoder of the SQLite database file format (https://www.sqlite.org/fileformat2.html).
 *
 * <p>It reads page images (for example the old and new versions of pages received by a physical pull) through a
 * {@link dev.tursosync.internal.sqlite.PageSource} and decodes the database header, b-tree pages, table-leaf cells
 * with their overflow chains, and records. It never writes and never opens SQLite. Malformed input is reported as
 * {@link dev.tursosync.internal.sqlite.SqliteFormatException}.
 */
package dev.tursosync.internal.sqlite;
