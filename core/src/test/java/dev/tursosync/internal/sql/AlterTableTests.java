package dev.tursosync.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlterTableTests {

    @Test
    void readsTheKindTheTableAndTheColumnWithAnyQuoting() {
        assertThat(AlterTable.parse("ALTER TABLE t ADD COLUMN z TEXT")).contains(
                new AlterTable(AlterTable.Kind.ADD_COLUMN, "t", "z"));
        assertThat(AlterTable.parse("alter table \"my \"\"t\" add \"col\" INTEGER DEFAULT 1")).contains(
                new AlterTable(AlterTable.Kind.ADD_COLUMN, "my \"t", "col"));
        assertThat(AlterTable.parse("ALTER TABLE main.[t] DROP COLUMN `w`")).contains(
                new AlterTable(AlterTable.Kind.DROP_COLUMN, "t", "w"));
        assertThat(AlterTable.parse("ALTER TABLE t DROP w")).contains(
                new AlterTable(AlterTable.Kind.DROP_COLUMN, "t", "w"));
        assertThat(AlterTable.parse("ALTER TABLE t RENAME COLUMN v TO v2")).contains(
                new AlterTable(AlterTable.Kind.RENAME_COLUMN, "t", "v"));
        assertThat(AlterTable.parse("ALTER TABLE t RENAME v TO v2")).contains(
                new AlterTable(AlterTable.Kind.RENAME_COLUMN, "t", "v"));
        assertThat(AlterTable.parse("  ALTER /* c */ TABLE t -- x\n RENAME TO u")).contains(
                new AlterTable(AlterTable.Kind.RENAME_TABLE, "t", null));
    }

    @Test
    void aColumnNamedColumnIsTheNameWhenNothingFollows() {
        assertThat(AlterTable.parse("ALTER TABLE t ADD column")).contains(
                new AlterTable(AlterTable.Kind.ADD_COLUMN, "t", "column"));
        assertThat(AlterTable.parse("ALTER TABLE t ADD COLUMN \"column\" TEXT")).contains(
                new AlterTable(AlterTable.Kind.ADD_COLUMN, "t", "column"));
    }

    @Test
    void otherStatementsAreNotAlterTable() {
        assertThat(AlterTable.parse("CREATE TABLE t (a)")).isEmpty();
        assertThat(AlterTable.parse("ALTER TABLE \"t")).isEmpty();
        assertThat(AlterTable.parse("ALTER TABLE t")).isEmpty();
    }

    @Test
    void theRowidAliasIsTheFirstNameNoColumnShadowsInAnyCase() {
        assertThat(RowidAlias.of(List.of("a", "b"))).contains("rowid");
        assertThat(RowidAlias.of(List.of("ROWID", "b"))).contains("_rowid_");
        assertThat(RowidAlias.of(List.of("rowid", "_Rowid_"))).contains("oid");
        assertThat(RowidAlias.of(List.of("rowid", "_rowid_", "OID"))).isEmpty();
    }
}
