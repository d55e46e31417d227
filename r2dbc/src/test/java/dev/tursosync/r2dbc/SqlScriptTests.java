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
}
