package dev.tursosync.internal.sqlite;

/** The kind of a b-tree page, from the first byte of its b-tree page header. */
public enum PageType {
    /** Interior page of an index b-tree (flag 2). */
    INTERIOR_INDEX(2),
    /** Interior page of a table b-tree (flag 5). */
    INTERIOR_TABLE(5),
    /** Leaf page of an index b-tree (flag 10). */
    LEAF_INDEX(10),
    /** Leaf page of a table b-tree (flag 13). */
    LEAF_TABLE(13);

    private final int flag;

    PageType(int flag) {
        this.flag = flag;
    }

    /**
     * The flag byte stored in the page header.
     *
     * @return 2, 5, 10 or 13
     */
    public int flag() {
        return flag;
    }

    /**
     * Whether pages of this kind are leaves.
     *
     * @return true for {@link #LEAF_INDEX} and {@link #LEAF_TABLE}
     */
    public boolean isLeaf() {
        return this == LEAF_INDEX || this == LEAF_TABLE;
    }

    /**
     * Whether pages of this kind belong to a table (rowid) b-tree.
     *
     * @return true for {@link #INTERIOR_TABLE} and {@link #LEAF_TABLE}
     */
    public boolean isTable() {
        return this == INTERIOR_TABLE || this == LEAF_TABLE;
    }

    /**
     * The page type for a flag byte.
     *
     * @param flag the first byte of the b-tree page header
     * @return the type
     * @throws SqliteFormatException if the byte is not 2, 5, 10 or 13
     */
    public static PageType fromFlag(int flag) {
        switch (flag) {
            case 2:
                return INTERIOR_INDEX;
            case 5:
                return INTERIOR_TABLE;
            case 10:
                return LEAF_INDEX;
            case 13:
                return LEAF_TABLE;
            default:
                throw new SqliteFormatException("bad b-tree page type " + flag);
        }
    }
}
