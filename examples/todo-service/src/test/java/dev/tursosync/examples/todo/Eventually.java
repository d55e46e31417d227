package dev.tursosync.examples.todo;

import java.time.Duration;

/** Retries an assertion until it holds, for what the background sync does sooner or later. */
final class Eventually {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration PAUSE = Duration.ofMillis(100);

    private Eventually() {
    }

    /** Runs the assertion until it passes; after a minute its last failure is thrown. */
    static void eventually(Runnable assertion) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError | RuntimeException failure) {
                if (System.nanoTime() > deadline) {
                    throw failure;
                }
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
