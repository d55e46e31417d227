package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.SyncClient;
import dev.tursosync.internal.sql.RowidAlias;
import dev.tursosync.testing.LocalSyncServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded differential fuzzer of push and the pull's replay (issue 17). Each round creates fresh tables of a random
 * shape (an {@code INTEGER PRIMARY KEY} whose column {@code a} has a random declared type, so every affinity meets
 * the edge values; a composite key that admits {@code NULL}; no primary key with user columns named
 * {@code rowid}/{@code _rowid_}/{@code oid} and duplicate rows; a {@code UNIQUE} column; {@code WITHOUT ROWID} only
 * with {@code -Dreplay.fuzz.withoutRowid=true}, see {@link #WITHOUT_ROWID}), sometimes makes the same schema
 * change on both replicas ({@code ADD COLUMN}, {@code RENAME COLUMN}, {@code DROP COLUMN}, {@code CREATE INDEX}), and
 * runs random inserts, updates (key changes included), deletes, pushes, pulls and checkpoints on two Java replicas. The oracle is a model of last push wins built from the operations in the order
 * they were pushed: an insert is an upsert on the key ({@code IS} semantics, so a {@code NULL} key part is a value),
 * an update sets the columns it changed on the row with its before key (or, without a key, on one row with all its
 * before values), a delete removes that row. After a final sync the remote and both replicas must equal the model;
 * periodically and at the end a fresh bootstrap must too, and {@code integrity_check} must answer {@code ok}. Each
 * pull's change events must equal the row diff of what it brought (see {@link #pull}). At the end of an epoch one
 * replica drops some of its tables; they must be gone everywhere after a pull.
 *
 * <p>{@code UNIQUE}: inserts and updates give the unique column fresh values (or {@code NULL}; an update that changes
 * the key gives it a fresh one too, else it would move the value as the other replica may), and replica {@code a}
 * sometimes deletes a row and inserts its unique value under a new key in the same push, which the remote accepts
 * only because a push applies its changes in order. Two replicas writing the same unique value under different keys
 * is a conflict the model does not resolve: the second push is rejected ({@code PushRejectedException}) and stays
 * pending until the application resolves it, which {@code ReplayConformanceIntegrationTests} (module bench) checks,
 * so the fuzzer never produces it. The same ops with the official JS client as a third replica run in bench's
 * {@code ReplayFuzzJsPeerIntegrationTests}.
 *
 * <p>To reach hundreds of rounds in about two minutes, rounds run in epochs of {@value #ROUNDS_PER_EPOCH}: the
 * tables of an epoch share its pushes and pulls (each round its own table and model), and the server is shared by
 * all epochs. {@code -Dreplay.fuzz.rounds=N} sets the number of rounds (default 260, rounded up to whole epochs;
 * with the JS-peer variant's 40 that makes 300), {@code -Dreplay.fuzz.seed=S} the base seed (epoch {@code i} uses
 * {@code S + i}); a failure names its epoch seed,
 * which {@code -Dreplay.fuzz.seed=<that> -Dreplay.fuzz.rounds=1} replays.
 */
final class ReplayFuzzIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROUNDS = Integer.getInteger("replay.fuzz.rounds", 260);
    private static final long SEED = Long.getLong("replay.fuzz.seed", System.nanoTime());
    private static final int ROUNDS_PER_EPOCH = 10;
    private static final boolean TRACE = Boolean.getBoolean("replay.fuzz.trace");
    /**
     * Whether rounds may use {@code WITHOUT ROWID} tables: off by default, because tursodb (0.7.0 and 0.8.0-pre.4, with
     * {@code --experimental-without-rowid}) accepts only plain {@code INSERT} on them and refuses {@code UPDATE},
     * {@code DELETE}, upserts and indexes ("not supported"), so any push of such a change is rejected.
     */
    private static final boolean WITHOUT_ROWID = Boolean.getBoolean("replay.fuzz.withoutRowid");
    private static final List<Shape> SHAPES = java.util.Arrays.stream(Shape.values())
            .filter(shape -> WITHOUT_ROWID || shape != Shape.WITHOUT_ROWID).toList();

    private static void trace(String what) {
        if (TRACE) {
            System.out.println("replay fuzz: " + what);
        }
    }

    private static LocalSyncServer server;
    private static RemoteSql remote;
    private static final List<SyncClient> clients = new ArrayList<>();
    /** Per replica, the remote rows of the current epoch's tables as of its last pull. */
    private static final Map<SyncClient, Map<String, Map<Object, String>>> pulledRows = new java.util.HashMap<>();
    @TempDir
    static Path dir;

    /** Its own server: {@code WITHOUT ROWID} tables need {@code --experimental-without-rowid} on tursodb. */
    @BeforeAll
    static void start() {
        server = LocalSyncServer.builder().flags("--experimental-without-rowid").start();
        remote = new RemoteSql(server.url());
    }

    @AfterAll
    static void stop() {
        clients.forEach(client -> client.close().block(WAIT));
        remote.close();
        server.close();
    }

    private static SyncClient open(String name) {
        SyncClient client = SyncClient.builder().path(dir.resolve(name + ".db")).url(server.url())
                .clientName(name).build();
        client.open().block(WAIT);
        clients.add(client);
        return client;
    }

    /** The shape of a round's table. */
    private enum Shape { INTEGER_KEY, COMPOSITE_KEY, NO_KEY, WITHOUT_ROWID, UNIQUE_COLUMN }

    /** One captured local operation, as the model needs it: its key or old values, and the values it set. */
    private record Op(Table table, String kind, Map<String, Object> before, Map<String, Object> after) {
        void apply() {
            table.apply(this);
        }
    }

    /** A round's table: its shape, columns, key columns and the model of its remote content. */
    private static final class Table {
        final String name;
        final Shape shape;
        final List<String> columns = new ArrayList<>();
        final List<String> key = new ArrayList<>();
        final List<Map<String, Object>> model = new ArrayList<>();

        Table(String name, Shape shape) {
            this.name = name;
            this.shape = shape;
        }

        String quoted(String column) {
            return "\"" + column + "\"";
        }

        /** Applies a pushed operation to the model. */
        void apply(Op op) {
            apply(model, op);
        }

        /** Applies an operation to rows of this table; whether it matched a row (an insert always does). */
        boolean apply(List<Map<String, Object>> rows, Op op) {
            switch (op.kind()) {
                case "INSERT" -> {
                    if (!key.isEmpty()) {
                        rows.removeIf(row -> sameKey(row, op.after()));
                    }
                    rows.add(new LinkedHashMap<>(op.after()));
                    return true;
                }
                case "UPDATE" -> {
                    java.util.Optional<Map<String, Object>> row = find(rows, op.before());
                    row.ifPresent(found -> op.after().forEach((column, value) -> {
                        if (!same(op.before().get(column), value)) {
                            found.put(column, value);
                        }
                    }));
                    return row.isPresent();
                }
                case "DELETE" -> {
                    java.util.Optional<Map<String, Object>> row = find(rows, op.before());
                    row.ifPresent(rows::remove);
                    return row.isPresent();
                }
                default -> throw new IllegalStateException(op.kind());
            }
        }

        List<Map<String, Object>> copyOfModel() {
            List<Map<String, Object>> copy = new ArrayList<>();
            model.forEach(row -> copy.add(new LinkedHashMap<>(row)));
            return copy;
        }

        private java.util.Optional<Map<String, Object>> find(List<Map<String, Object>> rows,
                                                             Map<String, Object> before) {
            return rows.stream().filter(row -> key.isEmpty() ? sameValues(row, before) : sameKey(row, before))
                    .findFirst();
        }

        private boolean sameKey(Map<String, Object> row, Map<String, Object> other) {
            return key.stream().allMatch(column -> same(row.get(column), other.get(column)));
        }

        private boolean sameValues(Map<String, Object> row, Map<String, Object> other) {
            return columns.stream().allMatch(column -> same(row.get(column), other.get(column)));
        }

        List<String> modelRows() {
            return model.stream().map(row -> render(columns.stream().map(row::get).toList())).sorted().toList();
        }

        String describe() {
            return shape + " " + name + " " + columns;
        }

        String select() {
            return "SELECT " + String.join(", ", columns.stream().map(this::quoted).toList()) + " FROM \"" + name
                    + "\"";
        }
    }

    private static boolean same(Object a, Object b) {
        return render(Arrays.asList(a)).equals(render(Arrays.asList(b)));
    }

    /** A canonical text of values: type and value, so 1 and 1.0 and '1' differ. */
    private static String render(List<Object> values) {
        StringBuilder text = new StringBuilder();
        for (Object value : values) {
            if (value == null) {
                text.append("n");
            } else if (value instanceof Integer || value instanceof Long) {
                text.append("i").append(((Number) value).longValue());
            } else if (value instanceof Number number) {
                text.append("r").append(number.doubleValue());
            } else if (value instanceof byte[] bytes) {
                text.append("b").append(HexFormat.of().formatHex(bytes));
            } else {
                text.append("t").append(value);
            }
            text.append('|');
        }
        return text.toString();
    }

    private static List<String> rows(List<List<Object>> rows) {
        return rows.stream().map(ReplayFuzzIntegrationTests::render).sorted().toList();
    }

    private static final Object[] EDGE_VALUES = {null, 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 9007199254740993L,
        1.5, -2.5e300, Double.MIN_VALUE, "", "x'q\"", "é😀", new byte[0], new byte[] {0, 1, (byte) 255}};

    /** The declared types of an integer-key table's column {@code a}: every affinity (none, then by rule). */
    private static final List<String> AFFINITIES = List.of("", "INTEGER", "REAL", "TEXT", "NUMERIC", "BLOB",
            "VARCHAR(10)", "DOUBLE", "DECIMAL(10,5)");

    private static Object value(Random random, int[] fresh) {
        if (random.nextInt(3) == 0) {
            return EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
        }
        return switch (random.nextInt(3)) {
            case 0 -> (long) ++fresh[0];
            case 1 -> "v" + ++fresh[0];
            default -> ++fresh[0] + 0.25;
        };
    }

    @Test
    void randomOperationsOnTwoReplicasConvergeOnTheLastPushWinsModel() {
        SyncClient a = open("a");
        SyncClient b = open("b");
        List<Table> all = new ArrayList<>();
        int epochs = (ROUNDS + ROUNDS_PER_EPOCH - 1) / ROUNDS_PER_EPOCH;
        System.out.println("replay fuzz: base seed " + SEED + ", " + epochs * ROUNDS_PER_EPOCH + " rounds in "
                + epochs + " epochs (replay one epoch with -Dreplay.fuzz.seed=<epoch seed> -Dreplay.fuzz.rounds=1)");
        for (int epoch = 0; epoch < epochs; epoch++) {
            long seed = SEED + epoch;
            try {
                all.addAll(epoch(seed, a, b));
                if (epoch % 5 == 4) {
                    checkIntegrity(a, b);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("replay fuzz epoch failed; replay with -Dreplay.fuzz.seed=" + seed
                        + " -Dreplay.fuzz.rounds=1", e);
            }
        }
        checkIntegrity(a, b);
        SyncClient fresh = open("fresh-" + SEED);
        for (Table table : all) {
            assertThat(rows(LocalSql.query(fresh, table.select()))).as("fresh bootstrap, " + table.name)
                    .isEqualTo(table.modelRows());
        }
        System.out.println("replay fuzz: " + all.size() + " rounds passed");
    }

    /**
     * Epochs that failed once, replayed by every run (each failing seed becomes a named test). Epoch seed
     * 14650062674149 (the 2,000-round profile): replica b changed a row's key and kept its unique value while replica
     * a moved that value to a new row, a two-replica {@code UNIQUE} conflict the model leaves out; the generator now
     * gives the unique column a fresh value on a key change, and the epoch must converge. Epoch seed 37545818747009: a
     * pull emitted an {@code UPDATE} of row 1 with equal old and new values {@code (1, NULL)}, because replica a's
     * pushed upsert made tursodb rewrite the row with the rowid stored in the {@code INTEGER PRIMARY KEY} column
     * (record {@code 03 09 00}, SQLite's {@code 03 00 00}); the decoder now emits an {@code UPDATE} only when the
     * values differ.
     */
    @ParameterizedTest(name = "epoch seed {0}")
    @ValueSource(longs = {14650062674149L, 37545818747009L})
    void epochsThatFailedOnceConverge(long seed) {
        SyncClient a = open("a-" + seed);
        SyncClient b = open("b-" + seed);
        assertThat(epoch(seed, a, b)).as("the tables the epoch kept").isNotEmpty();
        checkIntegrity(a, b);
    }

    private static void checkIntegrity(SyncClient... replicas) {
        for (SyncClient replica : replicas) {
            assertThat(LocalSql.query(replica, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        }
    }

    private static List<Table> epoch(long seed, SyncClient a, SyncClient b) {
        Random random = new Random(seed);
        List<Table> tables = new ArrayList<>();
        List<String> ddl = new ArrayList<>();
        for (int round = 0; round < ROUNDS_PER_EPOCH; round++) {
            Table table = new Table("f" + Long.toHexString(seed & 0xffffffffL) + "_" + round + "_"
                    + Long.toHexString(System.nanoTime()), SHAPES.get(random.nextInt(SHAPES.size())));
            ddl.add(createTable(table, random));
            tables.add(table);
        }
        remote.transaction(ddl.toArray(String[]::new));
        pull(a, tables);
        pull(b, tables);
        SyncClient[] replicas = {a, b};
        List<List<Op>> pending = List.of(new ArrayList<>(), new ArrayList<>());
        for (Table table : tables) {
            schemaPrelude(table, replicas, random);
        }
        int[] fresh = {random.nextInt(1000) * 1000};
        int steps = ROUNDS_PER_EPOCH * (4 + random.nextInt(6));
        for (int step = 0; step < steps; step++) {
            int who = random.nextInt(2);
            int action = random.nextInt(40);
            if (action < 34) {
                Table table = tables.get(random.nextInt(tables.size()));
                operate(table, replicas[who], pending.get(who), random, fresh, who == 0);
            } else if (action < 37) {
                trace(who + " push");
                push(replicas[who], pending.get(who));
            } else if (action < 39) {
                trace(who + " pull");
                pull(replicas[who], tables);
                rebase(pending.get(who));
            } else {
                replicas[who].checkpoint().block(WAIT);
            }
        }
        int first = random.nextInt(2);
        push(replicas[first], pending.get(first));
        push(replicas[1 - first], pending.get(1 - first));
        pull(a, tables);
        pull(b, tables);
        for (Table table : tables) {
            List<String> expected = table.modelRows();
            assertThat(rows(remote.query(table.select()))).as("remote, " + table.describe()).isEqualTo(expected);
            assertThat(rows(LocalSql.query(a, table.select()))).as("replica a, " + table.describe())
                    .isEqualTo(expected);
            assertThat(rows(LocalSql.query(b, table.select()))).as("replica b, " + table.describe())
                    .isEqualTo(expected);
        }
        return dropSome(tables, replicas, random);
    }

    /**
     * One replica drops some of the epoch's tables and pushes; after both pull, they are gone from the remote and
     * both replicas (and a fresh bootstrap does not bring them back). Returns the tables left.
     */
    private static List<Table> dropSome(List<Table> tables, SyncClient[] replicas, Random random) {
        int who = random.nextInt(2);
        List<Table> dropped = tables.stream().filter(table -> random.nextInt(5) == 0).toList();
        for (Table table : dropped) {
            trace(who + " drop " + table.name);
            LocalSql.execute(replicas[who], "DROP TABLE \"" + table.name + "\"");
        }
        replicas[who].push().block(WAIT);
        pull(replicas[1 - who], tables);
        List<String> names = dropped.stream().map(table -> table.name).toList();
        String exists = "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ("
                + String.join(", ", names.stream().map(name -> "'" + name + "'").toList()) + ")";
        if (!names.isEmpty()) {
            assertThat(remote.query(exists)).as("dropped tables on the remote").isEmpty();
            for (SyncClient replica : replicas) {
                assertThat(LocalSql.query(replica, exists)).as("dropped tables on " + replica.clientId()).isEmpty();
            }
        }
        return tables.stream().filter(table -> !dropped.contains(table)).toList();
    }

    /**
     * Pulls and checks that the pull's change events equal the row diff of what it brought: the remote rows of the
     * epoch's tables now against those at this replica's previous pull (a pull brings every remote change since
     * then, this replica's own pushed changes included, as docs/change-events.md says). Row events by row id for
     * rowid tables, unless the pull reset the table ({@code RESET}: created, dropped or altered tables); a
     * {@code WITHOUT ROWID} table whose rows changed must be reset. Nobody else writes meanwhile, so the remote's
     * rows read just before the pull are what it brings.
     */
    private static void pull(SyncClient replica, List<Table> tables) {
        Map<String, Map<Object, String>> before = pulledRows.getOrDefault(replica, Map.of());
        Map<String, Map<Object, String>> after = snapshot(tables);
        List<ChangeEvent> events = replica.pullChanges().collectList().block(WAIT);
        pulledRows.put(replica, after);
        for (Table table : tables) {
            List<ChangeEvent> own = events.stream().filter(event -> event.table().equals(table.name)).toList();
            Map<Object, String> old = before.get(table.name);
            Map<Object, String> now = after.get(table.name);
            boolean reset = own.stream().anyMatch(event -> event.operation() == ChangeOperation.RESET);
            if (table.shape == Shape.WITHOUT_ROWID || old == null || now == null) {
                assertThat(reset || Objects.equals(old, now)).as("a pull that changed " + table.describe()
                        + " must reset it; events " + own).isTrue();
            } else if (!reset) {
                assertThat(own.stream().map(ReplayFuzzIntegrationTests::describe).sorted().toList())
                        .as("pull events of " + replica.clientId() + " for " + table.describe())
                        .isEqualTo(diff(old, now));
            }
        }
    }

    private static String describe(ChangeEvent event) {
        return event.operation() + " " + event.rowid() + " " + render(new ArrayList<>(event.newValues().values()))
                + " " + render(new ArrayList<>(event.oldValues().values()));
    }

    private static List<String> diff(Map<Object, String> before, Map<Object, String> after) {
        List<String> expected = new ArrayList<>();
        before.forEach((rowid, row) -> {
            if (!after.containsKey(rowid)) {
                expected.add("DELETE " + rowid + "  " + row);
            } else if (!after.get(rowid).equals(row)) {
                expected.add("UPDATE " + rowid + " " + after.get(rowid) + " " + row);
            }
        });
        after.forEach((rowid, row) -> {
            if (!before.containsKey(rowid)) {
                expected.add("INSERT " + rowid + " " + row + " ");
            }
        });
        return expected.stream().sorted().toList();
    }

    /**
     * Each table's rows on the remote, read in one request: by row id (the whole row, all columns), or by sorted
     * position without one; absent for a table that does not exist.
     */
    private static Map<String, Map<Object, String>> snapshot(List<Table> tables) {
        List<List<Object>> existing = remote.query("SELECT name FROM sqlite_master WHERE type = 'table'");
        List<Table> present = tables.stream().filter(table -> existing.contains(List.of(table.name))).toList();
        List<String> queries = present.stream().map(table -> table.shape == Shape.WITHOUT_ROWID
                ? "SELECT * FROM \"" + table.name + "\""
                : "SELECT \"" + RowidAlias.of(table.columns).orElseThrow() + "\", * FROM \""
                        + table.name + "\"").toList();
        List<List<List<Object>>> results = queries.isEmpty() ? List.of() : remote.queries(queries);
        Map<String, Map<Object, String>> snapshot = new LinkedHashMap<>();
        for (int t = 0; t < present.size(); t++) {
            Map<Object, String> rows = new java.util.TreeMap<>();
            if (present.get(t).shape == Shape.WITHOUT_ROWID) {
                List<String> sorted = rows(results.get(t));
                for (int i = 0; i < sorted.size(); i++) {
                    rows.put((long) i, sorted.get(i));
                }
            } else {
                for (List<Object> row : results.get(t)) {
                    rows.put(((Number) row.get(0)).longValue(), render(row.subList(1, row.size())));
                }
            }
            snapshot.put(present.get(t).name, rows);
        }
        return snapshot;
    }

    /**
     * The same schema change on both replicas, neither having seen the other's: each push (and each pull's replay)
     * meets a remote that may already have it.
     */
    private static void schemaPrelude(Table table, SyncClient[] replicas, Random random) {
        String q = "\"" + table.name + "\"";
        String ddl;
        switch (random.nextInt(8)) {
            case 0 -> {
                ddl = "ALTER TABLE " + q + " ADD COLUMN c";
                table.columns.add("c");
            }
            case 1 -> {
                ddl = "ALTER TABLE " + q + " RENAME COLUMN b TO b2";
                table.columns.set(table.columns.indexOf("b"), "b2");
            }
            case 2 -> {
                ddl = "ALTER TABLE " + q + " DROP COLUMN b";
                table.columns.remove("b");
            }
            // tursodb 0.8.0-pre.4 refuses CREATE INDEX on a WITHOUT ROWID table ("not supported")
            case 3 -> ddl = table.shape == Shape.WITHOUT_ROWID ? null
                    : "CREATE INDEX IF NOT EXISTS \"ix_" + table.name + "\" ON " + q + " (a)";
            default -> ddl = null;
        }
        if (ddl != null) {
            trace("both " + ddl);
            for (SyncClient replica : replicas) {
                LocalSql.execute(replica, ddl);
            }
        }
    }

    /**
     * The pending changes a replica keeps after a pull: its rebase replays them in order on the remote rows (the
     * model, which holds every pushed change) and drops an update or delete that matches no row there
     * (docs/sync-client.md, "Rebase"), so that change is never pushed; a stale delete must not remove a row the other
     * replica inserts later under the same key (the JS-peer variant found this with three replicas).
     */
    private static void rebase(List<Op> pending) {
        Map<Table, List<Map<String, Object>>> rows = new java.util.HashMap<>();
        pending.removeIf(op -> {
            boolean matched = op.table().apply(rows.computeIfAbsent(op.table(), Table::copyOfModel), op);
            if (!matched) {
                trace("dropped on rebase: " + op.kind() + " " + op.table().name + " " + op.before());
            }
            return !matched;
        });
    }

    private static void push(SyncClient replica, List<Op> pending) {
        replica.push().block(WAIT);
        pending.forEach(Op::apply);
        pending.clear();
    }

    private static String createTable(Table table, Random random) {
        String q = "\"" + table.name + "\"";
        switch (table.shape) {
            case INTEGER_KEY -> {
                table.columns.addAll(List.of("id", "a", "b"));
                table.key.add("id");
                String affinity = AFFINITIES.get(random.nextInt(AFFINITIES.size()));
                return "CREATE TABLE " + q + " (id INTEGER PRIMARY KEY, a " + affinity + ", b)";
            }
            case UNIQUE_COLUMN -> {
                table.columns.addAll(List.of("id", "u", "a", "b"));
                table.key.add("id");
                return "CREATE TABLE " + q + " (id INTEGER PRIMARY KEY, u TEXT UNIQUE, a, b)";
            }
            case WITHOUT_ROWID -> {
                table.columns.addAll(List.of("k1", "k2", "a", "b"));
                table.key.addAll(List.of("k1", "k2"));
                return "CREATE TABLE " + q + " (k1 TEXT, k2 INTEGER, a, b, PRIMARY KEY (k1, k2)) WITHOUT ROWID";
            }
            case COMPOSITE_KEY -> {
                table.columns.addAll(List.of("k1", "k2", "a", "b"));
                table.key.addAll(List.of("k1", "k2"));
                return "CREATE TABLE " + q + " (k1 TEXT, k2 INTEGER, a, b, PRIMARY KEY (k1, k2))";
            }
            default -> {
                List<List<String>> shadows = List.of(List.of("x"), List.of("rowid"), List.of("_rowid_"),
                        List.of("oid"), List.of("rowid", "oid"), List.of("rowid", "_rowid_"));
                table.columns.addAll(shadows.get(random.nextInt(shadows.size())));
                table.columns.addAll(List.of("a", "b"));
                return "CREATE TABLE " + q + " (" + String.join(", ", table.columns.stream().map(table::quoted)
                        .toList()) + ")";
            }
        }
    }

    /** A random insert, update or delete on one replica; recorded when it changed a row. */
    private static void operate(Table table, SyncClient replica, List<Op> pending, Random random, int[] fresh,
            boolean moves) {
        List<List<Object>> local = LocalSql.query(replica, table.select());
        int kind = local.isEmpty() ? 0 : random.nextInt(3);
        if (kind == 0) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (String column : table.columns) {
                row.put(column, column.equals("u") ? uniqueValue(random, fresh)
                        : table.key.contains(column) ? keyValue(table, column, random)
                        : table.key.isEmpty() && random.nextBoolean() ? (long) random.nextInt(2)
                        : value(random, fresh));
            }
            if (table.key.isEmpty() || local.stream().noneMatch(existing -> sameKey(table, existing, row))) {
                insert(table, replica, row);
                Map<String, Object> stored = table.shape == Shape.INTEGER_KEY ? stored(table, replica, row) : row;
                pending.add(new Op(table, "INSERT", null, stored));
                trace(replica.clientId() + " " + table.name + " insert " + stored);
            }
            return;
        }
        Map<String, Object> before = new LinkedHashMap<>();
        List<Object> picked = local.get(random.nextInt(local.size()));
        for (int i = 0; i < table.columns.size(); i++) {
            Object value = picked.get(i);
            before.put(table.columns.get(i), value instanceof Integer number ? (Object) number.longValue() : value);
        }
        String where = where(table, before);
        List<Object> args = new ArrayList<>();
        identity(table, before).forEach(args::add);
        if (kind == 1) {
            Map<String, Object> after = new LinkedHashMap<>(before);
            List<String> set = new ArrayList<>();
            for (String column : table.columns) {
                boolean keyChange = table.key.contains(column) && random.nextInt(6) == 0;
                if ((!table.key.contains(column) && random.nextBoolean()) || keyChange) {
                    Object value = keyChange ? freshKey(table, column, fresh)
                            : table.shape == Shape.INTEGER_KEY ? differentValue(random, fresh, before.get(column))
                            : "u" + ++fresh[0];
                    after.put(column, value);
                    set.add(column);
                }
            }
            if (table.shape == Shape.UNIQUE_COLUMN && set.contains("id") && !set.contains("u")
                    && before.get("u") != null) {
                // a new key with the old unique value moves that value to another row, which the other replica may
                // do as well (its delete and insert below): a conflict, left out of the fuzzer (see the class doc)
                after.put("u", uniqueValue(random, fresh));
                set.add("u");
            }
            if (set.isEmpty()) {
                return;
            }
            List<Object> values = new ArrayList<>();
            set.forEach(column -> values.add(after.get(column)));
            values.addAll(args);
            LocalSql.execute(replica, "UPDATE \"" + table.name + "\" SET " + String.join(", ", set.stream()
                    .map(column -> table.quoted(column) + " = ?").toList()) + where, values.toArray());
            Map<String, Object> stored = table.shape == Shape.INTEGER_KEY ? stored(table, replica, after) : after;
            pending.add(new Op(table, "UPDATE", before, stored));
            trace(replica.clientId() + " " + table.name + " update " + before + " -> " + after);
        } else {
            LocalSql.execute(replica, "DELETE FROM \"" + table.name + "\"" + where, args.toArray());
            pending.add(new Op(table, "DELETE", before, null));
            trace(replica.clientId() + " " + table.name + " delete " + before);
            if (table.shape == Shape.UNIQUE_COLUMN && before.get("u") != null && moves && random.nextBoolean()) {
                Map<String, Object> moved = new LinkedHashMap<>(before);
                moved.put("id", freshKey(table, "id", fresh));
                insert(table, replica, moved);
                pending.add(new Op(table, "INSERT", null, moved));
                trace(replica.clientId() + " " + table.name + " moved its unique value to " + moved);
            }
        }
    }

    private static boolean sameKey(Table table, List<Object> existing, Map<String, Object> row) {
        for (int i = 0; i < table.columns.size(); i++) {
            String column = table.columns.get(i);
            if (table.key.contains(column) && !same(existing.get(i), row.get(column))) {
                return false;
            }
        }
        return !(table.shape == Shape.COMPOSITE_KEY && row.get("k2") == null);
    }

    /** Local identity of one row: the key, or (no key) the real row id of one row with those values. */
    private static String where(Table table, Map<String, Object> before) {
        if (!table.key.isEmpty()) {
            return " WHERE " + String.join(" AND ", table.key.stream().map(column -> table.quoted(column) + " IS ?")
                    .toList()) + (table.shape == Shape.COMPOSITE_KEY ? " AND _rowid_ = (SELECT _rowid_ FROM \""
                    + table.name + "\" WHERE k1 IS ? AND k2 IS ? LIMIT 1)" : "");
        }
        String alias = RowidAlias.of(table.columns).orElseThrow();
        return " WHERE \"" + alias + "\" = (SELECT \"" + alias + "\" FROM \"" + table.name + "\" WHERE "
                + String.join(" AND ", table.columns.stream().map(column -> table.quoted(column) + " IS ?").toList())
                + " LIMIT 1)";
    }

    private static List<Object> identity(Table table, Map<String, Object> before) {
        List<Object> args = new ArrayList<>();
        if (table.key.isEmpty()) {
            table.columns.forEach(column -> args.add(before.get(column)));
        } else {
            table.key.forEach(column -> args.add(before.get(column)));
            if (table.shape == Shape.COMPOSITE_KEY) {
                table.key.forEach(column -> args.add(before.get(column)));
            }
        }
        return args;
    }

    private static Object keyValue(Table table, String column, Random random) {
        return switch (column) {
            case "id" -> (long) random.nextInt(4);
            case "k2" -> table.shape == Shape.COMPOSITE_KEY && random.nextInt(3) == 0 ? null
                    : (long) random.nextInt(2);
            default -> "k" + random.nextInt(3);
        };
    }

    private static Object freshKey(Table table, String column, int[] fresh) {
        return column.equals("id") || column.equals("k2") ? (Object) (long) (100_000 + ++fresh[0])
                : "key" + ++fresh[0];
    }

    /** A value of the unique column: fresh, or NULL (which UNIQUE admits many times). */
    private static Object uniqueValue(Random random, int[] fresh) {
        return random.nextInt(4) == 0 ? null : "w" + ++fresh[0];
    }

    /** A random value (edge values included) that differs from the current one. */
    private static Object differentValue(Random random, int[] fresh, Object current) {
        Object value = value(random, fresh);
        return same(value, current) ? "u" + ++fresh[0] : value;
    }

    /** The row as stored (after the column's type affinity converted the values), read back by its id. */
    private static Map<String, Object> stored(Table table, SyncClient replica, Map<String, Object> row) {
        List<Object> values = LocalSql.query(replica, table.select() + " WHERE id = " + row.get("id")).get(0);
        Map<String, Object> stored = new LinkedHashMap<>();
        for (int i = 0; i < table.columns.size(); i++) {
            Object value = values.get(i);
            stored.put(table.columns.get(i), value instanceof Integer number ? (Object) number.longValue() : value);
        }
        return stored;
    }

    private static void insert(Table table, SyncClient replica, Map<String, Object> row) {
        LocalSql.execute(replica, "INSERT INTO \"" + table.name + "\" (" + String.join(", ", row.keySet().stream()
                .map(table::quoted).toList()) + ") VALUES (" + String.join(", ", row.keySet().stream().map(c -> "?")
                .toList()) + ")", row.values().toArray());
    }
}
