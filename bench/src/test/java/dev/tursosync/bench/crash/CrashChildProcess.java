package dev.tursosync.bench.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link RebaseCrashChild}: a JVM started with the test class path, its output read line by line with the
 * arrival time of each line, killed with SIGKILL ({@link Process#destroyForcibly()}).
 */
final class CrashChildProcess {

    /** The exit status of a process killed by SIGKILL. */
    static final int SIGKILL_EXIT = 137;
    /**
     * How long a wait for the child (a line, its exit) lasts before the child is called hung. Only a hang may reach
     * it: at a load average of 25 to 30 a JVM start took 47 s and a bootstrap 48 s, and the warm-up child (JVM start,
     * bootstrap, 3 s of work, the class-data-sharing archive written at its exit) did not exit within a minute of its
     * launch, so a minute was an assumption about the machine's speed, not a hang detector.
     */
    static final Duration HANG = Duration.ofMinutes(5);
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A line of output and when it arrived ({@link System#nanoTime()}). */
    private record Line(String text, long at) {
    }

    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private boolean ended;

    private CrashChildProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts a child.
     *
     * @param command the command (see {@link ChildJvm})
     * @return the running child
     * @throws IOException if the JVM cannot start
     */
    static CrashChildProcess start(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CrashChildProcess child = new CrashChildProcess(process);
        Thread reader = new Thread(child::read, "crash-child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    /**
     * Waits for the child to exit by itself: for its {@code EXITING} line, then for its exit. Each wait ends on its
     * signal; only a hang ({@link #HANG}) ends it otherwise.
     *
     * @return its exit status
     * @throws AssertionError if the child ends without {@code EXITING} or hangs
     */
    int awaitExit() throws InterruptedException {
        try {
            awaitLine("EXITING");
        } catch (AssertionError e) {
            kill();
            throw e;
        }
        if (!process.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("the child printed EXITING but did not exit within " + HANG.toSeconds()
                    + " s; output:\n" + output());
        }
        awaitOutputEnd();
        return process.exitValue();
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                long now = System.nanoTime();
                synchronized (this) {
                    lines.add(new Line(line, now));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // killed
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /**
     * Waits for the first line that starts with a word.
     *
     * @param word the word
     * @return its arrival time
     * @throws AssertionError if the child ends or hangs ({@link #HANG}) first
     */
    synchronized long awaitLine(String word) throws InterruptedException {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (true) {
            for (Line line : lines) {
                if (line.text().equals(word) || line.text().startsWith(word + " ")) {
                    return line.at();
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new AssertionError("the child did not print " + word + "; output:\n" + output());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * Kills the child with SIGKILL and waits for it to end.
     *
     * @return the kill time ({@link System#nanoTime()})
     */
    long kill() throws InterruptedException {
        long at = System.nanoTime();
        process.destroyForcibly();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not end after SIGKILL");
        }
        awaitOutputEnd();
        return at;
    }

    private synchronized void awaitOutputEnd() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ended && System.nanoTime() < deadline) {
            TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
        }
    }

    /**
     * The exit status, once ended.
     *
     * @return 137 after SIGKILL
     */
    int exitValue() {
        return process.exitValue();
    }

    /**
     * Whether the child is still running.
     *
     * @return whether it runs
     */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * What the child was doing at an instant: the last {@code STARTING}, {@code READY} or {@code PHASE} line that
     * arrived before it.
     *
     * @param at a {@link System#nanoTime()} instant
     * @return {@code opening}, {@code opening (recovering a journal)}, {@code ready}, or the phase's name
     */
    synchronized String phaseAt(long at) {
        String phase = "not started";
        for (Line line : lines) {
            if (line.at() > at) {
                break;
            }
            String text = line.text();
            if (text.startsWith("STARTING")) {
                phase = text.endsWith("journal=true") ? "opening, recovering a journal" : "opening";
            } else if (text.equals("READY")) {
                phase = "writing";
            } else if (text.startsWith("PHASE ")) {
                String name = text.substring(6);
                phase = name.startsWith("pulling ") ? (name.equals("pulling 0") ? "pulling" : "pulling, rebasing")
                        : name;
            }
        }
        return phase;
    }

    /**
     * Counts the lines that start with a prefix.
     *
     * @param prefix the prefix
     * @return how many arrived
     */
    synchronized int count(String prefix) {
        return (int) lines.stream().filter(line -> line.text().startsWith(prefix)).count();
    }

    /**
     * The warnings and errors the child's clients logged, without the thread name.
     *
     * @return the log lines at {@code WARN} or {@code ERROR} level
     */
    synchronized List<String> warnings() {
        return lines.stream().map(Line::text).filter(text -> text.contains(" WARN ") || text.contains(" ERROR "))
                .map(text -> text.startsWith("[") && text.contains("] ") ? text.substring(text.indexOf("] ") + 2)
                        : text)
                .toList();
    }

    /**
     * The last lines of output.
     *
     * @return up to 60 lines
     */
    synchronized String output() {
        List<String> texts = lines.stream().map(Line::text).toList();
        return String.join("\n", texts.subList(Math.max(0, texts.size() - 60), texts.size()));
    }
}
