/**
 * Actuator support: the {@code tursoSync} health indicator and the metrics auto-configuration.
 */
package dev.tursosync.spring.boot.actuate;
