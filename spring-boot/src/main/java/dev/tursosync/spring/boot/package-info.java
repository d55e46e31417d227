/**
 * Spring Boot auto-configuration of a synced replica from the {@code tursosync.*} properties: see
 * {@link dev.tursosync.spring.boot.TursoSyncAutoConfiguration} and {@link dev.tursosync.spring.boot.TursoSyncProperties}.
 */
package dev.tursosync.spring.boot;
