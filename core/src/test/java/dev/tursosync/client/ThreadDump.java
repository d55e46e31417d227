package dev.tursosync.client;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Every thread's stack with the locks it holds and waits for: printed by a randomized test when a step times out,
 * so that a hang that does not come back in a replay still shows where it stopped.
 */
final class ThreadDump {

    private ThreadDump() {
    }

    /**
     * The stacks of all live threads, in full (not cut at eight frames as {@link ThreadInfo#toString()} does).
     *
     * @return the dump as text
     */
    static String all() {
        StringBuilder out = new StringBuilder("thread dump:\n");
        for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
            if (thread.getLockInfo() != null) {
                out.append(" on ").append(thread.getLockInfo());
            }
            if (thread.getLockOwnerName() != null) {
                out.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
            }
            out.append('\n');
            for (StackTraceElement frame : thread.getStackTrace()) {
                out.append("    at ").append(frame).append('\n');
            }
            for (LockInfo held : thread.getLockedSynchronizers()) {
                out.append("    holds ").append(held).append('\n');
            }
        }
        return out.toString();
    }
}
