package dev.tursosync.client;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.io.KillPoints;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * The child JVM of {@link KillPointIntegrationTests}, started with {@code -Dtursosync.killPoint=<point>}: it runs
 * one operation that reaches the point, where the JVM halts.
 *
 * <p>Arguments: remote URL, database path, action ({@code open}, {@code pull}, {@code checkpoint}, or {@code
 * pull-writing-at-point}), then the tags of the rows to insert into {@code kp_local} before the action (each in its own
 * committed transaction, printed as {@code WROTE <tag>} once committed); with {@code pull-writing-at-point} the last
 * tag's row is inserted instead at the point, on the thread that reached it, right before the halt (through {@code
 * dataSource()}, committed, then printed), and the action is a pull. It prints {@code STARTING}, {@code READY} after
 * {@code open()}, and {@code DONE} if the action ends without reaching the point, then exits with status 0; a failure
 * exits with status 1 and its stack trace. Halted at the point, it prints {@code KILLPOINT <point>} and exits with
 * {@link dev.tursosync.internal.io.KillPoints#EXIT_STATUS}.
 */
public final class KillPointChild {

    /** Only turns a hang into a failure. */
    private static final Duration WAIT = CrashSafetyIntegrationTests.HANG;

    private KillPointChild() {
    }

    /**
     * The one client configuration of the suite, in the child and the parent: no automatic checkpoint, so that only
     * the operations a trial runs write.
     */
    static SyncClient client(Path db, String url) {
        return SyncClient.builder().path(db).url(url).clientName("killpoints").autoCheckpointWalBytes(0).build();
    }

    public static void main(String[] args) {
        try {
            String url = args[0];
            Path db = Path.of(args[1]);
            String action = args[2];
            SyncClient client = client(db, url);
            say("STARTING");
            client.open().block(WAIT);
            say("READY");
            int before = args.length;
            if (action.equals("pull-writing-at-point")) {
                before = args.length - 1;
                String late = args[before];
                KillPoints.beforeHalt(() -> writeAtPoint(client, late));
            }
            for (int i = 3; i < before; i++) {
                LocalSql.execute(client, "INSERT INTO kp_local(tag, payload) VALUES (?, ?)", (Object) args[i], "child");
                say("WROTE " + args[i]);
            }
            switch (action) {
                case "open" -> { }
                case "pull", "pull-writing-at-point" -> client.pullChanges().blockLast(WAIT);
                case "checkpoint" -> client.checkpoint().block(WAIT);
                default -> throw new IllegalArgumentException("unknown action " + action);
            }
            say("DONE");
            client.close().block(WAIT);
            System.exit(0);
        } catch (Throwable failure) {
            ChildJvm.exitFailed(failure);
        }
    }

    /** A row committed in its own transaction at the kill point, before the halt; any failure ends the child. */
    private static void writeAtPoint(SyncClient client, String tag) {
        try (Connection connection = client.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO kp_local(tag, payload) VALUES (?, ?)")) {
            insert.setString(1, tag);
            insert.setString(2, "at the point");
            insert.executeUpdate();
        } catch (Throwable failure) {
            ChildJvm.exitFailed(failure);
        }
        say("WROTE " + tag);
    }

    private static void say(String line) {
        ChildJvm.say(line);
    }
}
