package dev.tursosync.bench;

/**
 * A target from the issue and whether this run met it.
 *
 * @param target what should hold, for example {@code bootstrap 50 MB: Java/JS <= 1.0}
 * @param actual the figure measured, for example {@code 0.84}
 * @param met    whether it held
 */
record TargetCheck(String target, String actual, boolean met) {
}
