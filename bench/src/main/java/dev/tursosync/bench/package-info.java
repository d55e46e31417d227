/**
 * Benchmarks of the Java sync client against the official JS client ({@code @tursodatabase/sync}), both talking to
 * the same local {@code tursodb --sync-server}, run by run interleaved. Entry point: {@link dev.tursosync.bench.BenchMain};
 * how to run it and the figures are in {@code docs/benchmarks.md}.
 */
package dev.tursosync.bench;
