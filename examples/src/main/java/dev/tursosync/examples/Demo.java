package dev.tursosync.examples;

import dev.tursosync.ChangeEvent;
import dev.tursosync.PushResult;
import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The README's first command: two replicas of one database. Replica A writes through R2DBC and syncs; replica B
 * pulls and prints the change events it receives.
 *
 * <p>With no {@code TURSO_URL} it starts a local {@code tursodb --sync-server} (installed from npm on first use) and
 * stops it at the end; otherwise it uses that remote, with {@code TURSO_AUTH_TOKEN}, and writes a table
 * {@code demo_notes} there.
 */
public final class Demo {

    private static final Duration WAIT = Duration.ofMinutes(2);

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     * @throws IOException if the temporary folder of the replicas cannot be created or deleted
     */
    public static void main(String[] args) throws IOException {
        Path folder = Files.createTempDirectory("tursosync-demo");
        try (DemoRemote remote = DemoRemote.fromEnvironment()) {
            SyncClient a = remote.replica(folder.resolve("a.db"), "demo-a");
            SyncClient b = remote.replica(folder.resolve("b.db"), "demo-b");
            try {
                run(folder, a, b);
            } finally {
                a.close().then(b.close()).block(WAIT);
                say("Closed both replicas.");
            }
        } finally {
            deleteRecursively(folder);
        }
        say("Done.");
    }

    private static void run(Path folder, SyncClient a, SyncClient b) {
        say("Opening replicas A and B (a.db and b.db in " + folder + "): each one downloads the remote database.");
        b.changes().subscribe(event -> say("    B received: " + describe(event)));
        a.open().then(b.open()).block(WAIT);
        Notes notesOnA = new Notes(TursoConnectionFactory.of(a));

        say("1. A creates the table demo_notes through R2DBC (or empties it, if an earlier run left notes).");
        notesOnA.createEmpty().block(WAIT);
        syncAThenPullB(a, b);

        say("2. A adds three notes in one transaction.");
        notesOnA.add("buy milk", "call Ada", "ship the sync client").block(WAIT);
        syncAThenPullB(a, b);

        say("3. A rewrites 'call Ada' and deletes 'buy milk', in one transaction.");
        notesOnA.editAndRemove("call Ada", "called Ada", "buy milk").block(WAIT);
        syncAThenPullB(a, b);

        say("B's demo_notes now reads: " + new Notes(TursoConnectionFactory.of(b)).bodies().collectList().block(WAIT));
    }

    private static void syncAThenPullB(SyncClient a, SyncClient b) {
        PushResult pushed = a.sync().block(WAIT).push();
        say("  A syncs: " + pushed.changesPushed() + " change(s) pushed in " + pushed.batches()
                + " remote transaction(s).");
        say("  B pulls:");
        b.pullChanges().blockLast(WAIT);
    }

    private static String describe(ChangeEvent event) {
        return switch (event.operation()) {
            case RESET -> "RESET of " + event.table() + " (new or redefined table: re-read it whole)";
            case INSERT -> "INSERT into " + event.table() + " " + event.newValues();
            case UPDATE -> "UPDATE of " + event.table() + " " + event.oldValues() + " -> " + event.newValues();
            case DELETE -> "DELETE from " + event.table() + " " + event.oldValues();
        };
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static void say(String line) {
        System.out.println(line);
    }
}
