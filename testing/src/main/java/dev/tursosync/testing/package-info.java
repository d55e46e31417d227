/**
 * Test support for tursosync: installs the real Turso sync server ({@code tursodb --sync-server})
 * from its pinned npm package, runs it on a loopback port, and offers a JUnit 5 extension that
 * gives each test class its own running server.
 *
 * <p>Entry points: {@link dev.tursosync.testing.TursodbInstaller},
 * {@link dev.tursosync.testing.LocalSyncServer} and
 * {@link dev.tursosync.testing.TursoServerExtension}.
 */
package dev.tursosync.testing;
