package dev.tursosync.internal.io;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points of the crash-sensitive steps (pull, rebase, checkpoint, bootstrap) at which a test halts the JVM,
 * so that the kill-point suite reaches every crash state with a real killed process (docs/testing.md, the kill-point
 * suite). Each point is named after what has just happened, for example {@code pull.pages-appended}.
 *
 * <p>Inert unless the system property {@value #PROPERTY} names a point, read once: {@code -Dtursosync.killPoint=NAME}
 * halts the first time the point is reached, {@code NAME@N} the N-th time. Then the point writes
 * {@code KILLPOINT NAME} straight to the standard output's file descriptor and halts with {@link #EXIT_STATUS}:
 * {@link Runtime#halt(int)}, no shutdown hook, no finalization, no buffer flushed, as a crash would.
 */
public final class KillPoints {

    /** The system property that names the point to halt at. */
    public static final String PROPERTY = "tursosync.killPoint";
    /** The exit status of a JVM halted at a point. */
    public static final int EXIT_STATUS = 86;

    private static final String POINT;
    private static final int AT;
    private static final AtomicInteger REACHED = new AtomicInteger();
    private static volatile Runnable beforeHalt = () -> { };

    static {
        String configured = System.getProperty(PROPERTY, "").trim();
        int at = configured.lastIndexOf('@');
        POINT = configured.isEmpty() ? null : at < 0 ? configured : configured.substring(0, at);
        AT = at < 0 ? 1 : Integer.parseInt(configured.substring(at + 1));
    }

    private KillPoints() {
    }

    /**
     * Work to run at the configured point, on the thread that reached it, right before the halt: for the kill-point
     * suite's child, a local write that commits at that moment (for example after a pull's window ended and before
     * its metadata is written), which the crash must keep. Never called unless a point is configured and reached.
     *
     * @param action the work; it may block
     */
    public static void beforeHalt(Runnable action) {
        beforeHalt = action;
    }

    /**
     * Marks a point; halts the JVM if it is the configured one, the configured number of times.
     *
     * @param point the point's name
     */
    public static void reached(String point) {
        if (POINT == null || !POINT.equals(point) || REACHED.incrementAndGet() != AT) {
            return;
        }
        beforeHalt.run();
        try {
            FileOutputStream out = new FileOutputStream(FileDescriptor.out);
            out.write(("KILLPOINT " + point + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the halt's status still tells the test where the JVM stopped
        }
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}
