package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tursosync.ReplicaInUseException;
import dev.tursosync.ReplicaPathException;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per replica: a second open, from this JVM or from another process, fails at once with
 * {@link ReplicaInUseException} and leaves the first client working; the lock goes with close and with a failed
 * open. {@code -Downership.rounds=N} (default 100) sets the number of two-process races.
 */
@ExtendWith(TursoServerExtension.class)
final class ReplicaOwnershipIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;

    ReplicaOwnershipIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void aSecondClientOfThisJvmIsRefusedAndTheFirstKeepsWorking(@TempDir Path dir) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.execute("CREATE TABLE jvm_t(id INTEGER PRIMARY KEY, v TEXT)");
            Path db = dir.resolve("one.db");
            SyncClient first = SyncClientsForTests.open(db, server.url());
            try {
                // another spelling of the same file is the same replica
                Path sameFile = dir.resolve(".").resolve("one.db");
                SyncClient second = SyncClient.builder().path(sameFile).url(server.url()).build();
                assertThatThrownBy(() -> second.open().block(WAIT))
                        .isInstanceOf(ReplicaInUseException.class)
                        .hasMessageContaining(sameFile.toString());
                second.close().block(WAIT);

                LocalSql.execute(first, "INSERT INTO jvm_t(id, v) VALUES (1, 'kept')");
                assertThat(first.push().block(WAIT).changesPushed()).isEqualTo(1);
                assertThat(remote.query("SELECT id, v FROM jvm_t")).containsExactly(List.of(1L, "kept"));
            } finally {
                first.close().block(WAIT);
            }
            SyncClient reopened = SyncClientsForTests.open(db, server.url());
            try {
                assertThat(LocalSql.query(reopened, "SELECT v FROM jvm_t")).containsExactly(List.of("kept"));
            } finally {
                reopened.close().block(WAIT);
            }
        }
    }

    @Test
    void aFailedOpenReleasesTheLock(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("foreign.db");
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = plain.createStatement()) {
            statement.execute("CREATE TABLE foreign_t(id INTEGER PRIMARY KEY)");
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            SyncClient client = SyncClient.builder().path(db).url(server.url()).build();
            assertThatThrownBy(() -> client.open().block(WAIT)).isInstanceOf(SyncMetadataException.class);
            client.close().block(WAIT);
        }
    }

    @Test
    void aMissingFolderIsNamed(@TempDir Path dir) {
        Path folder = dir.resolve("missing");
        SyncClient client = SyncClient.builder().path(folder.resolve("app.db")).url(server.url()).build();
        assertThatThrownBy(() -> client.open().block(WAIT))
                .isInstanceOf(ReplicaPathException.class)
                .hasMessageContaining(folder.toString());
        client.close().block(WAIT);
        assertThat(Files.exists(folder)).isFalse();
    }

    @Test
    void twoProcessesRacingForOneReplicaGetOneOwnerEachTimeAndLoseNoWrite(@TempDir Path dir) throws Exception {
        int rounds = Integer.getInteger("ownership.rounds", 100);
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.execute("CREATE TABLE owner_t(round INTEGER PRIMARY KEY, owner TEXT NOT NULL)");
            Path db = dir.resolve("raced.db");
            List<String> owners = new ArrayList<>();
            try (Child a = Child.start(server.url(), db, "a"); Child b = Child.start(server.url(), db, "b")) {
                a.expect("STARTED");
                b.expect("STARTED");
                for (int round = 0; round < rounds; round++) {
                    a.send("OPEN " + round);
                    b.send("OPEN " + round);
                    String fromA = a.next();
                    String fromB = b.next();
                    boolean aOwns = fromA.startsWith("OWNER ");
                    Child owner = aOwns ? a : b;
                    String loser = aOwns ? fromB : fromA;
                    assertThat(List.of(fromA, fromB)).as("round " + round)
                            .filteredOn(("OWNER " + round)::equals).hasSize(1);
                    assertThat(loser).as("round " + round).startsWith("IN_USE " + round + " ").contains(db.toString());
                    owner.send("WRITE " + round);
                    owner.expect("PUSHED " + round);
                    owner.send("CLOSE");
                    owner.expect("CLOSED");
                    owners.add(List.of(round, aOwns ? "a" : "b").toString());
                }
            }
            List<String> remoteRows = remote.query("SELECT round, owner FROM owner_t ORDER BY round").stream()
                    .map(row -> List.of(((Number) row.get(0)).intValue(), row.get(1)).toString()).toList();
            assertThat(remoteRows).containsExactlyElementsOf(owners);
            System.out.println("ownership race: " + rounds + " rounds, a owned "
                    + owners.stream().filter(row -> row.endsWith("a]")).count());
            SyncClient after = SyncClientsForTests.open(db, server.url());
            try {
                assertThat(LocalSql.query(after, "SELECT count(*) FROM owner_t")).containsExactly(List.of((long) rounds));
                assertThat(after.stats().block(WAIT).pendingChanges()).isZero();
            } finally {
                after.close().block(WAIT);
            }
        }
    }

    /** A running {@link OwnerChild}: commands to its stdin, its answers read line by line. */
    private static final class Child implements AutoCloseable {

        private final Process process;
        private final Writer commands;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> output = new ArrayList<>();

        private Child(Process process) {
            this.process = process;
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static Child start(String url, Path db, String name) throws IOException {
            Child child = new Child(ChildJvm.start(OwnerChild.class, url, db.toString(), name));
            ChildJvm.readLines(child.process, "owner-child-output", child::onLine, () -> child.lines.add("EOF"));
            return child;
        }

        private void onLine(String line) {
            synchronized (output) {
                output.add(line);
            }
            if (line.matches("(STARTED|OWNER|IN_USE|PUSHED|CLOSED|FAILED)\\b.*")) {
                lines.add(line);
            }
        }

        void send(String command) throws IOException {
            commands.write(command + "\n");
            commands.flush();
        }

        /** The next answer; a child that stops answering for a minute fails the test (it is stuck, not slow). */
        String next() throws InterruptedException {
            String line = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (line == null || line.startsWith("FAILED") || line.equals("EOF")) {
                fail("the child " + process.pid() + " answered " + line + "; output:\n" + output());
            }
            return line;
        }

        void expect(String answer) throws InterruptedException {
            assertThat(next()).isEqualTo(answer);
        }

        private String output() {
            synchronized (output) {
                return String.join("\n", output.subList(Math.max(0, output.size() - 60), output.size()));
            }
        }

        @Override
        public void close() throws Exception {
            commands.close();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }
}
