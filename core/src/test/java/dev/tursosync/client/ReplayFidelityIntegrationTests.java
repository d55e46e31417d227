package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.SyncClient;
import dev.tursosync.TransformFailedException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every replayed change touches exactly its row, in a push and in a pull's replay of pending changes (issue 17):
 * user columns that shadow the row-id aliases, {@code NULL} key components, repeated schema changes, a throwing
 * transform hook. Against the real server.
 */
@ExtendWith(TursoServerExtension.class)
final class ReplayFidelityIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    private final RemoteSql remote;
    private final String t = "t_" + Long.toHexString(System.nanoTime());
    private final List<SyncClient> clients = new ArrayList<>();
    @TempDir
    Path dir;

    ReplayFidelityIntegrationTests(LocalSyncServer server) {
        this.server = server;
        this.remote = new RemoteSql(server.url());
    }

    @AfterEach
    void closeClientsAndRemote() {
        clients.forEach(client -> client.close().block(WAIT));
        remote.close();
    }

    private SyncClient open(String name) {
        return open(name, mutation -> MutationResult.keep());
    }

    private SyncClient open(String name, Function<Mutation, MutationResult> transform) {
        SyncClient client = SyncClient.builder().path(dir.resolve(name + ".db")).url(server.url())
                .clientName(name).transform(transform).build();
        client.open().block(WAIT);
        clients.add(client);
        return client;
    }

    private static long pending(SyncClient client) {
        return client.stats().block(WAIT).pendingChanges();
    }

    private String rows() {
        return "SELECT quote(rowid_), quote(v) FROM (SELECT \"rowid\" AS rowid_, v FROM " + t
                + ") ORDER BY 1, 2";
    }

    @Test
    void aPushedUpdateAndDeleteTouchOnlyTheirRowWhenAUserColumnIsNamedRowid() {
        remote.transaction("CREATE TABLE " + t + " (\"rowid\" INTEGER, v TEXT)",
                "INSERT INTO " + t + " VALUES (5, 'x')", "INSERT INTO " + t + " VALUES (5, 'y')");
        SyncClient a = open("a");
        LocalSql.execute(a, "UPDATE " + t + " SET v = 'z' WHERE v = 'x'", "DELETE FROM " + t + " WHERE v = 'y'");

        a.push().block(WAIT);

        assertThat(remote.query(rows())).containsExactly(List.of("5", "'z'"));
    }

    @Test
    void aPullReplaysAPendingUpdateOnlyOnItsRowWhenUserColumnsShadowRowidAndOid() {
        remote.transaction("CREATE TABLE " + t + " (\"rowid\" INTEGER, oid INTEGER, v TEXT)",
                "INSERT INTO " + t + " VALUES (5, 5, 'x')", "INSERT INTO " + t + " VALUES (5, 5, 'y')");
        SyncClient a = open("a");
        LocalSql.execute(a, "UPDATE " + t + " SET v = 'z' WHERE v = 'x'");
        remote.execute("CREATE TABLE " + t + "_other (id INTEGER PRIMARY KEY)");

        a.pullChanges().blockLast(WAIT);

        assertThat(LocalSql.query(a, rows())).containsExactly(List.of("5", "'y'"), List.of("5", "'z'"));
        a.push().block(WAIT);
        assertThat(remote.query(rows())).containsExactly(List.of("5", "'y'"), List.of("5", "'z'"));
    }

    /**
     * database_tape.rs {@code test_pk_swap_in_one_txn_replays_both_rows}: two rows swap their composite keys through a
     * temporary key; the push and the other replica's pull end with both rows swapped, none lost or merged.
     */
    @Test
    void twoRowsSwappingTheirKeysReachTheRemoteAndThePeerSwapped() {
        remote.transaction("CREATE TABLE " + t + " (x TEXT, y TEXT, z TEXT, PRIMARY KEY (x, y))",
                "INSERT INTO " + t + " VALUES ('a', '1', 'left'), ('b', '2', 'right')");
        SyncClient a = open("a");
        SyncClient b = open("b");
        LocalSql.execute(a, "UPDATE " + t + " SET x = 'tmp', y = '0' WHERE x = 'a' AND y = '1'",
                "UPDATE " + t + " SET x = 'a', y = '1' WHERE x = 'b' AND y = '2'",
                "UPDATE " + t + " SET x = 'b', y = '2' WHERE x = 'tmp' AND y = '0'");

        a.push().block(WAIT);
        b.pullChanges().blockLast(WAIT);

        String swapped = "SELECT x || y || z FROM " + t + " ORDER BY 1";
        assertThat(remote.query(swapped)).containsExactly(List.of("a1right"), List.of("b2left"));
        assertThat(LocalSql.query(b, swapped)).containsExactly(List.of("a1right"), List.of("b2left"));
    }

    @Test
    void theHookSeesTheRealRowidWhenAUserColumnIsNamedRowid() {
        remote.transaction("CREATE TABLE " + t + " (\"rowid\" INTEGER, v TEXT)");
        List<Long> seen = new ArrayList<>();
        SyncClient a = open("a", mutation -> {
            seen.add(mutation.rowid());
            return MutationResult.keep();
        });
        LocalSql.execute(a, "INSERT INTO " + t + "(_rowid_, \"rowid\", v) VALUES (42, 7, 'x')",
                "UPDATE " + t + " SET v = 'y'", "DELETE FROM " + t);

        a.push().block(WAIT);

        assertThat(seen).containsExactly(42L, 42L, 42L);
    }

    @Test
    void aTableWhoseUserColumnsShadowEveryRowidAliasIsMatchedByAllItsValues() {
        remote.transaction("CREATE TABLE " + t + " (\"rowid\" INTEGER, _rowid_ INTEGER, oid INTEGER, v TEXT)",
                "INSERT INTO " + t + " VALUES (1, 2, 3, 'x')", "INSERT INTO " + t + " VALUES (1, 2, 3, 'y')");
        List<Long> seen = new ArrayList<>();
        SyncClient a = open("a", mutation -> {
            seen.add(mutation.rowid());
            return MutationResult.keep();
        });
        LocalSql.execute(a, "UPDATE " + t + " SET v = 'z' WHERE v = 'x'", "DELETE FROM " + t + " WHERE v = 'y'");

        a.push().block(WAIT);

        assertThat(remote.query("SELECT \"rowid\", _rowid_, oid, v FROM " + t))
                .containsExactly(List.of(1L, 2L, 3L, "z"));
        assertThat(seen).containsExactly(null, null);
    }

    @Test
    void anUpsertWhoseKeyHasANullComponentReplacesTheRowInsteadOfDuplicatingIt() {
        remote.transaction("CREATE TABLE " + t + " (a TEXT, b TEXT, v TEXT, PRIMARY KEY (a, b))");
        SyncClient a = open("a");
        SyncClient b = open("b");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES ('k', NULL, 'from a')");
        LocalSql.execute(b, "INSERT INTO " + t + " VALUES ('k', NULL, 'from b')");
        a.push().block(WAIT);

        b.pullChanges().blockLast(WAIT);
        String query = "SELECT a, b, v FROM " + t;
        assertThat(LocalSql.query(b, query)).containsExactly(Arrays.asList("k", null, "from b"));
        b.push().block(WAIT);

        assertThat(remote.query(query)).containsExactly(Arrays.asList("k", null, "from b"));
    }

    @Test
    void updatesAndDeletesFindKeysWithNullComponents() {
        remote.transaction("CREATE TABLE " + t + " (a TEXT, b TEXT, v TEXT, PRIMARY KEY (a, b))",
                "INSERT INTO " + t + " VALUES ('k', NULL, 'one')", "INSERT INTO " + t + " VALUES ('j', NULL, 'two')");
        SyncClient a = open("a");
        LocalSql.execute(a, "UPDATE " + t + " SET v = 'uno' WHERE a = 'k'", "DELETE FROM " + t + " WHERE a = 'j'");

        a.push().block(WAIT);

        assertThat(remote.query("SELECT a, b, v FROM " + t)).containsExactly(Arrays.asList("k", null, "uno"));
    }

    @Test
    void theSameColumnAddedOnTwoReplicasDoesNotWedgeThePush() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        SyncClient b = open("b");
        LocalSql.execute(b, "ALTER TABLE " + t + " ADD COLUMN z TEXT");
        b.push().block(WAIT);
        LocalSql.execute(a, "ALTER TABLE " + t + " ADD COLUMN z TEXT", "INSERT INTO " + t + " VALUES (1, 'v', 'zz')");

        a.push().block(WAIT);

        assertThat(pending(a)).isZero();
        assertThat(remote.query("SELECT id, v, z FROM " + t)).containsExactly(List.of(1L, "v", "zz"));
    }

    /**
     * B renames a column, drops one, adds one and renames the table, and pushes; A runs the same DDL without pulling
     * and inserts a row into the renamed table.
     */
    private SyncClient sameSchemaChangesOnBothReplicas() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT, w TEXT, x TEXT)");
        SyncClient a = open("a");
        SyncClient b = open("b");
        String[] ddl = {"ALTER TABLE " + t + " RENAME COLUMN v TO v2", "ALTER TABLE " + t + " DROP COLUMN w",
                "ALTER TABLE " + t + " ADD COLUMN y TEXT", "ALTER TABLE " + t + " RENAME TO " + t + "_r"};
        LocalSql.execute(b, ddl);
        b.push().block(WAIT);
        LocalSql.execute(a, ddl);
        LocalSql.execute(a, "INSERT INTO " + t + "_r VALUES (1, 'v', 'x', 'y')");
        return a;
    }

    @Test
    void schemaChangesTheRemoteAlreadyHasDoNotWedgeThePush() {
        SyncClient a = sameSchemaChangesOnBothReplicas();

        a.push().block(WAIT);

        assertThat(pending(a)).isZero();
        assertThat(remote.query("SELECT id, v2, x, y FROM " + t + "_r")).containsExactly(List.of(1L, "v", "x", "y"));
    }

    @Test
    void schemaChangesTheRemoteAlreadyHasDoNotFailThePullsReplay() {
        SyncClient a = sameSchemaChangesOnBothReplicas();

        a.pullChanges().blockLast(WAIT);

        assertThat(LocalSql.query(a, "SELECT id, v2, x, y FROM " + t + "_r"))
                .containsExactly(List.of(1L, "v", "x", "y"));
        a.push().block(WAIT);
        assertThat(pending(a)).isZero();
        assertThat(remote.query("SELECT id, v2, x, y FROM " + t + "_r")).containsExactly(List.of(1L, "v", "x", "y"));
    }

    /** Found by ReplayFuzzIntegrationTests, seed 3002. */
    @Test
    void aLocalInsertReplayedOverTheSameKeyStaysAnInsertWhenTheOtherClientThenDeletesTheRow() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        SyncClient b = open("b");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (0, 'from a')");
        LocalSql.execute(b, "INSERT INTO " + t + " VALUES (0, 'from b')");
        b.push().block(WAIT);
        LocalSql.execute(b, "DELETE FROM " + t + " WHERE id = 0");

        a.pullChanges().blockLast(WAIT);
        b.push().block(WAIT);
        a.push().block(WAIT);

        assertThat(remote.query("SELECT id, v FROM " + t)).containsExactly(List.of(0L, "from a"));
    }

    @Test
    void aThrowingHookFailsThePushWithATypedErrorAndKeepsTheChanges() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        NullPointerException thrown = new NullPointerException("hook bug");
        SyncClient a = open("a", mutation -> {
            throw thrown;
        });
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (1, 'one')");

        assertThatThrownBy(() -> a.push().block(WAIT))
                .isInstanceOf(TransformFailedException.class)
                .isInstanceOf(TursoSyncException.class)
                .hasCause(thrown)
                .hasMessageContaining(t);
        assertThat(pending(a)).isEqualTo(1);
        assertThat(remote.query("SELECT count(*) FROM " + t)).containsExactly(List.of(0L));
    }
}
