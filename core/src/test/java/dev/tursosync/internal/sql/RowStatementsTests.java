package dev.tursosync.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowStatementsTests {

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "select * from t", "  INSERT INTO t VALUES (1)", "update t set a = 1",
            "DELETE FROM t", "REPLACE INTO t VALUES (1)", "VALUES (1)", "WITH x AS (SELECT 1) SELECT * FROM x",
            "-- note\\nSELECT 1", "/* c */ insert into t values (1) RETURNING *", "SELECT(1)"})
    void queriesAndRowChangesAreRowStatements(String sql) {
        assertThat(RowStatements.isRowStatement(sql.replace("\\n", "\n"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CREATE TABLE t (a)", "ALTER TABLE t ADD COLUMN b", "DROP TABLE t", "BEGIN", "COMMIT",
            "ROLLBACK", "SAVEPOINT s", "PRAGMA writable_schema = 1", "VACUUM", "ATTACH 'x' AS y", "", "   ",
            "-- only a comment", "/* unclosed SELECT", "SELECTED", "INSERTS INTO t", "selectx 1", "EXPLAIN SELECT 1"})
    void everythingElseIsNot(String sql) {
        assertThat(RowStatements.isRowStatement(sql)).isFalse();
    }

    @Test
    void unknownTextIsNot() {
        assertThat(RowStatements.isRowStatement(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "select * from t", " values (1)", "-- note\nSELECT 1", "SELECT(1)"})
    void selectsAndValuesAreQueries(String sql) {
        assertThat(RowStatements.isQuery(sql.replace("\\n", "\n"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "DELETE FROM t",
            "REPLACE INTO t VALUES (1)", "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "WITH x AS (SELECT 1) SELECT * FROM x",
            "CREATE TABLE t (a)", "SELECTED", "", "/* unclosed SELECT"})
    void rowChangesWithAndEverythingElseAreNotQueries(String sql) {
        assertThat(RowStatements.isQuery(sql)).isFalse();
    }

    @Test
    void unknownTextIsNoQuery() {
        assertThat(RowStatements.isQuery(null)).isFalse();
    }
}
