/**
 * Test support for tursosync: installs the real Turso sync server ({@code tursodb --sync-server})
 * from its pinned npm package, runs it on a loopback port, and offers a JUnit 5 extension that
 * gives each test class its own running server; and a fault-injecting TCP proxy to put between clients and it.
 *
 * <p>Entry points: {@link dev.tursosync.testing.TursodbInstaller},
 * {@link dev.tursosync.testing.LocalSyncServer},
 * {@link dev.tursosync.testing.TursoServerExtension} and
 * {@link dev.tursosync.testing.FaultProxy}.
 */
package dev.tursosync.testing;
