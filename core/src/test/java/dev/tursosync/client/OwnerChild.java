package dev.tursosync.client;

import dev.tursosync.ReplicaInUseException;
import dev.tursosync.SyncClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link ReplicaOwnershipIntegrationTests}: opens one replica when told to, racing another child.
 *
 * <p>Arguments: remote URL, database path, child name. Commands on stdin, answers on stdout:
 * {@code OPEN <round>} answers {@code OWNER <round>} or {@code IN_USE <round> <message>}; {@code WRITE <round>}
 * (owner only) inserts the round's row, pushes it and answers {@code PUSHED <round>}; {@code CLOSE} closes the client
 * and answers {@code CLOSED}; end of input exits. Any other failure prints {@code FAILED} and exits with status 1.
 */
public final class OwnerChild {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private OwnerChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path db = Path.of(args[1]);
        String name = args[2];
        SyncClient client = null;
        try (BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            say("STARTED");
            String command;
            while ((command = commands.readLine()) != null) {
                String[] words = command.split(" ");
                switch (words[0]) {
                    case "OPEN" -> {
                        SyncClient opening = SyncClient.builder().path(db).url(url).clientName(name).build();
                        try {
                            opening.open().block(WAIT);
                            client = opening;
                            say("OWNER " + words[1]);
                        } catch (ReplicaInUseException inUse) {
                            say("IN_USE " + words[1] + " " + inUse.getMessage());
                        }
                    }
                    case "WRITE" -> {
                        LocalSql.execute(client, "INSERT INTO owner_t(round, owner) VALUES (?, ?)",
                                Integer.parseInt(words[1]), name);
                        client.push().block(WAIT);
                        say("PUSHED " + words[1]);
                    }
                    case "CLOSE" -> {
                        client.close().block(WAIT);
                        client = null;
                        say("CLOSED");
                    }
                    default -> throw new IllegalArgumentException("unknown command " + command);
                }
            }
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
