/**
 * Spring Data R2DBC support, found through {@code META-INF/spring.factories}: the SQLite dialect and bind markers.
 * Spring is an optional dependency; these classes are only loaded when it is present.
 */
package dev.tursosync.r2dbc.spring;
