/** Implementation of the R2DBC driver; not API, may change without notice. */
package dev.tursosync.r2dbc.internal;
