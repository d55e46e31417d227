package dev.tursosync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TursoServerExtension.class)
class RemoteSqlIntegrationTests {

    @Test
    void aTransactionCommitsEveryStatement(LocalSyncServer server) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')",
                    "INSERT INTO t VALUES (2, 'b')");
            assertThat(remote.query("SELECT id, v FROM t ORDER BY id"))
                    .containsExactly(List.of(1L, "a"), List.of(2L, "b"));
        }
    }

    @Test
    void aFailingStatementCommitsNothingAndNamesTheStatement(LocalSyncServer server) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE f (id INTEGER PRIMARY KEY)");
            assertThatThrownBy(() -> remote.transaction("INSERT INTO f VALUES (1)", "INSERT INTO missing VALUES (1)"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("INSERT INTO missing VALUES (1)")
                    .hasMessageContaining("missing");
            assertThat(remote.queryLong("SELECT count(*) FROM f")).isZero();
        }
    }

    @Test
    void parametersAndResultsKeepTheirTypes(LocalSyncServer server) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE v (i, r, t, b, n)");
            byte[] blob = {0, 1, 2, (byte) 255};
            remote.execute("INSERT INTO v VALUES (?, ?, ?, ?, ?)", Long.MIN_VALUE, 1.5, "é", blob, null);
            List<Object> row = remote.query("SELECT i, r, t, b, n FROM v").get(0);
            assertThat(row.subList(0, 3)).containsExactly(Long.MIN_VALUE, 1.5, "é");
            assertThat(Arrays.equals((byte[]) row.get(3), blob)).isTrue();
            assertThat(row.get(4)).isNull();
        }
    }
}
