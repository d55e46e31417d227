package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.RemoteSql;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Valid pulls of indexed tables are never refused: the pull's check that the rows and index entries it changed agree
 * (issue 15) must raise no false alarm. Each seed builds tables with indexes of every shape the check judges or
 * leaves alone ({@code NOCASE}, {@code RTRIM} and {@code DESC} columns, several columns, every affinity, a
 * {@code UNIQUE} constraint, a composite primary key, a partial index, an expression index, an index over the rowid
 * alias) and runs rounds of random remote transactions on them (upserts, bulk inserts that split pages, updates of
 * indexed columns, deletes that empty pages, text long enough that index entries overflow, values that differ only
 * in case or trailing spaces), with schema changes on the way ({@code ADD COLUMN} with a default and an index on it,
 * an index dropped and created with another order) and local changes pending on the replica. Every pull must succeed,
 * leave {@code integrity_check} ok, and the replica must hold the remote's rows.
 *
 * <p>{@code -Dindexed.pulls.seed=S} runs one seed.
 */
@ExtendWith(TursoServerExtension.class)
final class IndexedPullsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROUNDS = 8;
    private static final int LOCAL_IDS = 1_000_000;
    private static final List<String> TEXTS = List.of("abc", "Abc", "ABC", "abc ", "abc  ", "b", "B", "", "é😀",
            "x'q", "zz");

    private final LocalSyncServer server;

    IndexedPullsIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    static Stream<Long> seeds() {
        Long one = Long.getLong("indexed.pulls.seed");
        return one != null ? Stream.of(one) : LongStream.rangeClosed(1, 6).mapToObj(i -> 0x1DE0_0000L + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void validPullsOfIndexedTablesAreAccepted(long seed, @TempDir Path dir) {
        Random random = new Random(seed);
        String p = "ix" + Long.toHexString(seed & 0xffff);
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction(
                    "CREATE TABLE " + p + "_a (id INTEGER PRIMARY KEY, v TEXT COLLATE NOCASE, n INTEGER, r REAL, "
                            + "b BLOB, num NUMERIC, plain)",
                    "CREATE INDEX " + p + "_a_v ON " + p + "_a (v)",
                    "CREATE INDEX " + p + "_a_nr ON " + p + "_a (n DESC, r)",
                    "CREATE INDEX " + p + "_a_bv ON " + p + "_a (b, v COLLATE RTRIM)",
                    "CREATE INDEX " + p + "_a_num ON " + p + "_a (num, plain)",
                    "CREATE INDEX " + p + "_a_part ON " + p + "_a (n) WHERE n > 0",
                    "CREATE INDEX " + p + "_a_expr ON " + p + "_a (lower(v))",
                    "CREATE INDEX " + p + "_a_vid ON " + p + "_a (v, id)",
                    "CREATE TABLE " + p + "_b (k TEXT, u TEXT UNIQUE, c INTEGER)",
                    "CREATE INDEX " + p + "_b_kc ON " + p + "_b (k, c)",
                    "CREATE TABLE " + p + "_c (a INTEGER, b TEXT, c, PRIMARY KEY (a, b))",
                    "CREATE INDEX " + p + "_c_c ON " + p + "_c (c DESC)");
            remote.transaction(bulk(p, random, 1, 300));
            SyncClient client = SyncClientsForTests.open(dir.resolve("replica.db"), server.url());
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    remote.transaction(round(p, random, round).toArray(String[]::new));
                    if (random.nextBoolean()) {
                        LocalSql.execute(client, "INSERT INTO " + p + "_a (id, v, n, num) VALUES ("
                                + (LOCAL_IDS + round) + ", " + text(random) + ", " + random.nextInt(5) + ", "
                                + random.nextInt(3) + ")");
                    }
                    client.pullChanges().then().block(WAIT);
                    String what = "seed " + seed + " round " + round;
                    assertThat(LocalSql.query(client, "PRAGMA integrity_check")).as("integrity, " + what)
                            .containsExactly(List.of("ok"));
                    for (String table : List.of(p + "_a", p + "_b", p + "_c")) {
                        String select = "SELECT quote(rowid), " + columns(remote, table) + " FROM " + table
                                + " WHERE rowid < " + LOCAL_IDS + " ORDER BY rowid";
                        assertThat(LocalSql.query(client, select)).as(table + ", " + what)
                                .isEqualTo(remote.query(select));
                    }
                    if (round % 3 == 2) {
                        client.push().block(WAIT);
                    }
                }
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    /** The columns of a table as {@code quote()} text, but for {@code REAL} ones (printed alike only as numbers). */
    private static String columns(RemoteSql remote, String table) {
        List<String> columns = new ArrayList<>();
        for (List<Object> column : remote.query("PRAGMA table_info(" + table + ")")) {
            String name = (String) column.get(1);
            columns.add("REAL".equalsIgnoreCase((String) column.get(2)) ? "quote(CAST(" + name + " * 4 AS INTEGER))"
                    : "quote(" + name + ")");
        }
        return String.join(", ", columns);
    }

    private static List<String> round(String p, Random random, int round) {
        List<String> statements = new ArrayList<>();
        if (round == 3) {
            statements.add("ALTER TABLE " + p + "_b ADD COLUMN d INTEGER DEFAULT 7");
            statements.add("CREATE INDEX " + p + "_b_d ON " + p + "_b (d, k COLLATE NOCASE)");
        }
        if (round == 5) {
            statements.add("DROP INDEX " + p + "_a_v");
            statements.add("CREATE INDEX " + p + "_a_v ON " + p + "_a (v DESC, n)");
        }
        for (int i = 0, count = 5 + random.nextInt(40); i < count; i++) {
            int id = 1 + random.nextInt(600);
            statements.add(switch (random.nextInt(8)) {
                case 0 -> "INSERT OR REPLACE INTO " + p + "_a (id, v, n, r, b, num, plain) VALUES (" + id + ", "
                        + text(random) + ", " + integer(random) + ", " + real(random) + ", " + blob(random) + ", "
                        + numeric(random) + ", " + plain(random) + ")";
                case 1 -> "UPDATE " + p + "_a SET v = " + text(random) + " WHERE id % 13 = " + random.nextInt(13);
                case 2 -> "UPDATE " + p + "_a SET n = " + integer(random) + ", r = " + real(random) + " WHERE id = "
                        + id;
                case 3 -> "DELETE FROM " + p + "_a WHERE id BETWEEN " + id + " AND " + (id + random.nextInt(60));
                case 4 -> bulk(p, random, 600 + round * 400, 600 + round * 400 + random.nextInt(300));
                case 5 -> "INSERT INTO " + p + "_b (k, u, c) VALUES (" + text(random) + ", 'u" + round + "-" + i
                        + "', " + integer(random) + ")";
                case 6 -> random.nextBoolean() ? "UPDATE " + p + "_b SET k = " + text(random) + ", c = c / 2 WHERE "
                        + "rowid % 5 = " + random.nextInt(5) : "DELETE FROM " + p + "_b WHERE rowid % 7 = "
                        + random.nextInt(7);
                default -> "INSERT OR REPLACE INTO " + p + "_c (a, b, c) VALUES (" + random.nextInt(50) + ", "
                        + text(random) + ", " + plain(random) + ")";
            });
        }
        return statements;
    }

    private static String bulk(String p, Random random, int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT OR REPLACE INTO " + p
                + "_a (id, v, n, r, b, num, plain) VALUES ");
        for (int id = from; id <= to; id++) {
            sql.append(id == from ? "" : ", ").append("(").append(id).append(", ").append(text(random)).append(", ")
                    .append(integer(random)).append(", ").append(real(random)).append(", ").append(blob(random))
                    .append(", ").append(numeric(random)).append(", ").append(plain(random)).append(")");
        }
        return sql.toString();
    }

    /** Short texts that differ in case or trailing spaces, sometimes long enough that an index entry overflows. */
    private static String text(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> "NULL";
            case 1 -> "'" + "Long".repeat(300 + random.nextInt(1200)) + random.nextInt(100) + "'";
            default -> "'" + TEXTS.get(random.nextInt(TEXTS.size())).replace("'", "''") + random.nextInt(30) + "'";
        };
    }

    private static String integer(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "NULL";
            case 1 -> "9223372036854775807";
            case 2 -> "-" + random.nextInt(1000);
            default -> String.valueOf(random.nextInt(20));
        };
    }

    /** Reals, integral ones included (a {@code REAL} column stores those as integers in the table's record). */
    private static String real(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "NULL";
            case 1 -> "1.5";
            case 2 -> "-2.25";
            default -> random.nextInt(10) + ".0";
        };
    }

    private static String blob(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "NULL";
            case 1 -> "X''";
            default -> "X'00" + String.format("%02X", random.nextInt(256)) + "FF'";
        };
    }

    /** Values a {@code NUMERIC} column converts: numeric text becomes a number, other text stays text. */
    private static String numeric(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "NULL";
            case 1 -> "'" + random.nextInt(50) + "'";
            case 2 -> "'" + random.nextInt(50) + ".5'";
            case 3 -> "'n" + random.nextInt(9) + "'";
            default -> String.valueOf(random.nextInt(50));
        };
    }

    /** Values of a column without a declared type, which keeps every storage class as given. */
    private static String plain(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "NULL";
            case 1 -> "'" + random.nextInt(9) + "'";
            case 2 -> blob(random);
            default -> String.valueOf(random.nextInt(9));
        };
    }
}
