package dev.tursosync.internal.sql;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The name that reaches a rowid table's row id: the first of {@code rowid}, {@code _rowid_} and {@code oid} that no
 * user column shadows (SQLite resolves each of them to a user column of that name first, in any letter case).
 */
public final class RowidAlias {

    /** SQLite's names for the row id, in the order they are tried. */
    public static final List<String> ALIASES = List.of("rowid", "_rowid_", "oid");

    private RowidAlias() {
    }

    /**
     * The alias for a table with these columns.
     *
     * @param columns the table's column names
     * @return the alias, or empty when user columns shadow all three (the row id is then unreachable from SQL)
     */
    public static Optional<String> of(Collection<String> columns) {
        Set<String> taken = columns.stream().map(column -> column.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        return ALIASES.stream().filter(alias -> !taken.contains(alias)).findFirst();
    }

    /**
     * Whether a name is one of the aliases (in any letter case).
     *
     * @param name a column name
     * @return whether SQLite could resolve it to the row id
     */
    public static boolean isAlias(String name) {
        return ALIASES.contains(name.toLowerCase(Locale.ROOT));
    }
}
