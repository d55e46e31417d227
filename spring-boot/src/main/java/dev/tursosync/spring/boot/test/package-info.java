/**
 * Test support for applications on the starter: {@link dev.tursosync.spring.boot.test.LocalTursoSyncServer} puts a
 * local sync server into a {@code @SpringBootTest}.
 */
package dev.tursosync.spring.boot.test;
