package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random remote changes (small, page-sized and multi-page rows, bulk inserts that split pages, updates that grow
 * rows into overflow, deletes), then a pull: the emitted events must equal the row diff of the remote table before
 * and after, with nothing missing and nothing extra.
 */
@ExtendWith(TursoServerExtension.class)
final class ChangeEventsRandomizedIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROUNDS = 5;

    private final LocalSyncServer server;

    ChangeEventsRandomizedIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    static Stream<Long> seeds() {
        return IntStream.rangeClosed(1, 16).mapToObj(i -> 0x5EED_0000L + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void eventsEqualTheRemoteRowDiff(long seed, @TempDir Path dir) {
        Random random = new Random(seed);
        String table = "r" + Long.toHexString(seed);
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, label TEXT, n INTEGER, r REAL, "
                    + "data BLOB)");
            for (int i = 0, initial = random.nextInt(300); i < initial; i++) {
                insert(remote, table, random, i + 1);
            }
            SyncClient client = SyncClient.builder().path(dir.resolve("replica.db")).url(server.url())
                    .clientName("random").resetShare(1.0).build();
            try {
                client.open().block(WAIT);
                for (int round = 0; round < ROUNDS; round++) {
                    Map<Long, Map<String, Object>> before = snapshot(remote, table);
                    mutate(remote, table, random, before);
                    Map<Long, Map<String, Object>> after = snapshot(remote, table);

                    List<ChangeEvent> events = client.pullChanges().collectList().block(WAIT);

                    assertThat(normalize(events)).as("seed %d round %d", seed, round)
                            .containsExactlyElementsOf(expected(table, before, after));
                }
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    private static void mutate(RemoteSql remote, String table, Random random, Map<Long, Map<String, Object>> rows) {
        List<Long> ids = new ArrayList<>(rows.keySet());
        long next = ids.isEmpty() ? 1 : ids.get(ids.size() - 1) + 1;
        int operations = 1 + random.nextInt(40);
        for (int i = 0; i < operations; i++) {
            int kind = random.nextInt(10);
            if (kind < 4 || ids.isEmpty()) {
                insert(remote, table, random, next++);
            } else if (kind < 7) {
                long id = ids.get(random.nextInt(ids.size()));
                remote.execute("UPDATE " + table + " SET label = ?, n = ? WHERE id = ?",
                        text(random), random.nextLong(), id);
            } else if (kind < 9) {
                long id = ids.remove(random.nextInt(ids.size()));
                remote.execute("DELETE FROM " + table + " WHERE id = ?", id);
            } else {
                int bulk = 100 + random.nextInt(400);
                remote.execute("INSERT INTO " + table + " SELECT value, 'bulk-' || value, value * 7, value / 4.0, "
                        + "randomblob(" + (10 + random.nextInt(300)) + ") FROM generate_series(" + next + ", "
                        + (next + bulk - 1) + ")");
                next += bulk;
            }
        }
    }

    private static void insert(RemoteSql remote, String table, Random random, long id) {
        byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(20_000) : random.nextInt(64)];
        random.nextBytes(data);
        remote.execute("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)", id, text(random), random.nextInt(1000),
                random.nextBoolean() ? null : random.nextDouble(), data);
    }

    private static String text(Random random) {
        int length = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(20);
            case 2 -> random.nextInt(3_000);
            default -> random.nextInt(12_000);
        };
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static Map<Long, Map<String, Object>> snapshot(RemoteSql remote, String table) {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        for (List<Object> row : remote.query("SELECT id, label, n, r, data FROM " + table)) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("id", row.get(0));
            values.put("label", row.get(1));
            values.put("n", row.get(2));
            values.put("r", row.get(3));
            values.put("data", row.get(4));
            rows.put((Long) row.get(0), normalize(values));
        }
        return rows;
    }

    private static List<String> expected(String table, Map<Long, Map<String, Object>> before,
                                         Map<Long, Map<String, Object>> after) {
        List<String> events = new ArrayList<>();
        TreeSet<Long> ids = new TreeSet<>(before.keySet());
        ids.addAll(after.keySet());
        for (long id : ids) {
            Map<String, Object> old = before.get(id);
            Map<String, Object> now = after.get(id);
            if (old == null) {
                events.add(describe(table, ChangeOperation.INSERT, id, now, Map.of()));
            } else if (now == null) {
                events.add(describe(table, ChangeOperation.DELETE, id, Map.of(), old));
            } else if (!Objects.equals(old, now)) {
                events.add(describe(table, ChangeOperation.UPDATE, id, now, old));
            }
        }
        return events;
    }

    private static List<String> normalize(List<ChangeEvent> events) {
        return events.stream().map(event -> describe(event.table(), event.operation(), event.rowid(),
                normalize(event.newValues()), normalize(event.oldValues()))).toList();
    }

    private static String describe(String table, ChangeOperation operation, Long rowid, Map<String, Object> now,
                                   Map<String, Object> old) {
        return table + " " + operation + " " + rowid + " new=" + now + " old=" + old;
    }

    /** Blobs compared by content: a digest of their bytes. */
    private static Map<String, Object> normalize(Map<String, Object> values) {
        Map<String, Object> normalized = new LinkedHashMap<>();
        values.forEach((column, value) -> normalized.put(column, value instanceof byte[] bytes
                ? "blob(" + bytes.length + ":" + HexFormat.of().formatHex(sha(bytes)) + ")"
                : value));
        return normalized;
    }

    private static byte[] sha(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
