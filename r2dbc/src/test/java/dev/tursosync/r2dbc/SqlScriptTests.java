package dev.tursosync.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.r2dbc.internal.SqlScript;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTests {

    @Test
    void numbersMarkersTheWaySqliteDoes() {
        SqlScript script = SqlScript.parse("SELECT ?, :a, ?5, @b, $c, :a, ?");
        assertThat(script.parameterCount()).as("the last ? takes 8").isEqualTo(8);
        assertThat(script.indexOf(":a")).isEqualTo(1);
        assertThat(script.indexOf("a")).isEqualTo(1);
        assertThat(script.indexOf("?5")).isEqualTo(4);
        assertThat(script.indexOf("@b")).isEqualTo(5);
        assertThat(script.indexOf("c")).isEqualTo(6);
        assertThat(script.indexOf("nope")).isEqualTo(-1);
        assertThat(script.isUsed(2)).as("?3 is skipped by ?5").isFalse();
        assertThat(script.units().get(0).parameters()).containsExactly(1, 2, 0, 0, 5, 6, 7, 8);
    }

    @Test
    void ignoresMarkersAndSemicolonsInQuotesAndComments() {
        SqlScript script = SqlScript.parse("SELECT ':x;?', \"a;?\", [b;?], `c;?` -- ;? :y\n /* ; ? */ FROM t WHERE x = ?");
        assertThat(script.units()).hasSize(1);
        assertThat(script.parameterCount()).isEqualTo(1);
    }

    @Test
    void splitsStatementsButNotTriggerBodies() {
        SqlScript script = SqlScript.parse("CREATE TABLE t(x); CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
                + "UPDATE t SET x = CASE WHEN x > 0 THEN 1 END; DELETE FROM t WHERE x = 2; END;  ;"
                + " SELECT :a; SELECT :a, ?");
        List<SqlScript.Unit> units = script.units();
        assertThat(units).extracting(SqlScript.Unit::sql).containsExactly("CREATE TABLE t(x)",
                "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = CASE WHEN x > 0 THEN 1 END; "
                        + "DELETE FROM t WHERE x = 2; END",
                "SELECT :a", "SELECT :a, ?");
        assertThat(units.get(3).parameters()).as("the named parameter is shared, ? is new").containsExactly(1, 2);
    }

    @Test
    void aStatementTakesTheScriptsParametersInOrderOnlyWhenItsMarkersAreOneToTheLastInTurn() {
        assertThat(SqlScript.parse("INSERT INTO t VALUES (?, ?)").units().get(0).takesAllInOrder(2)).isTrue();
        assertThat(SqlScript.parse("SELECT :a, :b, :a").units().get(0).takesAllInOrder(2)).isTrue();
        assertThat(SqlScript.parse("SELECT 1").units().get(0).takesAllInOrder(0)).isTrue();
        assertThat(SqlScript.parse("INSERT INTO t VALUES (?2, ?1)").units().get(0).takesAllInOrder(2))
                .as("SQLite's own ?2 is the script's ?2").isTrue();
        List<SqlScript.Unit> named = SqlScript.parse("SELECT :b; SELECT :a, :b").units();
        assertThat(named.get(0).takesAllInOrder(2)).isFalse();
        assertThat(named.get(1).takesAllInOrder(2)).as(":a is the script's 2nd, the statement's 1st").isFalse();
        assertThat(SqlScript.parse("SELECT ?1, ?3").units().get(0).takesAllInOrder(3))
                .as("?2 is skipped").isFalse();
        List<SqlScript.Unit> two = SqlScript.parse("SELECT ?; SELECT ?").units();
        assertThat(two.get(0).takesAllInOrder(2)).isFalse();
        assertThat(two.get(1).takesAllInOrder(2)).isFalse();
    }
}
