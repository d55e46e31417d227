package dev.tursosync.client;

import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link CrashSafetyIntegrationTests}, killed with SIGKILL at random moments.
 *
 * <p>Arguments: remote URL, database path, mode ({@code bootstrap} or {@code pull}), and the number of pulls after
 * which it just waits (pull mode). It prints {@code STARTING} before {@code open()}, {@code READY <revision>} after
 * it, and {@code PULLED <revision>} after every pull; then it waits to be killed. It never exits on its own with
 * status 0: a failure ends it with status 1 and a stack trace.
 */
public final class CrashChild {

    /** Only turns a hang into a failure: a bootstrap took 48 s at a load average of 25 to 30. */
    private static final Duration WAIT = CrashSafetyIntegrationTests.HANG;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path db = Path.of(args[1]);
        String mode = args[2];
        long loops = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
        try {
            SyncClient client = SyncClient.builder().path(db).url(url).clientName("crash").build();
            say("STARTING");
            client.open().block(WAIT);
            say("READY " + client.stats().block(WAIT).revision());
            if (mode.equals("pull")) {
                for (long i = 0; i < loops; i++) {
                    client.pullChanges().blockLast(WAIT);
                    say("PULLED " + client.stats().block(WAIT).revision());
                }
            } else if (!mode.equals("bootstrap")) {
                throw new IllegalArgumentException("unknown mode " + mode);
            }
            say("WAITING");
            Thread.sleep(Long.MAX_VALUE);
        } catch (Throwable failure) {
            System.out.println("FAILED " + failure);
            failure.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
