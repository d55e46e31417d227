package dev.tursosync.internal.sqlite;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the pages of a b-tree while reading (almost) only its interior pages.
 *
 * <p>SQLite b-trees are balanced: every leaf is at the same depth. The walker reads the left-most path from the
 * root down to the first leaf (the one leaf page it reads) to learn that depth, then reads the interior pages level
 * by level; the children of the last interior level are the leaves, listed without being read. A tree of N leaves
 * therefore costs about N / (cells per interior page) reads instead of N. An interior page found where the depth
 * says a leaf should be (or the reverse), a page reached twice, or a depth over {@value #MAX_DEPTH} is reported as
 * {@link SqliteFormatException}. Leaf pages themselves are not checked; decoding them does that.
 *
 * <p>Works for table and index b-trees alike (it only follows child pointers); overflow pages are not listed.
 */
public final class TableTreeWalker {

    /** The deepest tree accepted. */
    public static final int MAX_DEPTH = 64;

    private final PageSource source;
    private final int usableSize;

    /**
     * Creates a walker.
     *
     * @param source     the pages
     * @param usableSize the usable page size (page size minus reserved bytes)
     */
    public TableTreeWalker(PageSource source, int usableSize) {
        this.source = Objects.requireNonNull(source, "source");
        this.usableSize = usableSize;
    }

    /**
     * Creates a walker, reading the usable page size from the database header on page 1.
     *
     * @param source the pages
     * @return the walker
     * @throws SqliteFormatException if page 1 is missing or has no valid header
     */
    public static TableTreeWalker forDatabase(PageSource source) {
        return new TableTreeWalker(source, DatabaseHeader.read(source).usableSize());
    }

    /**
     * The pages of a b-tree, by kind.
     *
     * @param interiorPages the interior pages, level by level from the root, left to right
     * @param leafPages     the leaf pages, left to right (key order)
     * @param depth         the number of interior levels above the leaves (0 when the root is a leaf)
     */
    public record TreePages(Set<Long> interiorPages, Set<Long> leafPages, int depth) {

        /**
         * Copies the sets.
         *
         * @param interiorPages the interior pages
         * @param leafPages     the leaf pages
         * @param depth         the depth
         */
        public TreePages {
            interiorPages = Collections.unmodifiableSet(new LinkedHashSet<>(interiorPages));
            leafPages = Collections.unmodifiableSet(new LinkedHashSet<>(leafPages));
        }

        /**
         * Interior and leaf pages together.
         *
         * @return interior pages followed by leaf pages
         */
        public Set<Long> allPages() {
            Set<Long> all = new LinkedHashSet<>(interiorPages);
            all.addAll(leafPages);
            return Collections.unmodifiableSet(all);
        }
    }

    /**
     * The leaf pages of the b-tree rooted at {@code rootPage}, in key order, read from interior pages only (plus
     * the left-most leaf).
     *
     * @param rootPage the root page number
     * @return the leaf page numbers
     * @throws SqliteFormatException if the tree is malformed
     */
    public Set<Long> leafPages(long rootPage) {
        return walk(rootPage).leafPages();
    }

    /**
     * All b-tree pages (interior and leaf, not overflow) of the tree rooted at {@code rootPage}.
     *
     * @param rootPage the root page number
     * @return interior pages followed by leaf pages
     * @throws SqliteFormatException if the tree is malformed
     */
    public Set<Long> allPages(long rootPage) {
        return walk(rootPage).allPages();
    }

    /**
     * Walks the b-tree rooted at {@code rootPage}.
     *
     * @param rootPage the root page number
     * @return its interior and leaf pages
     * @throws SqliteFormatException if the tree is malformed
     */
    public TreePages walk(long rootPage) {
        Walk walk = walkPrimitive(rootPage);
        return new TreePages(boxed(walk.interior()), boxed(walk.leaves()), walk.depth());
    }

    /**
     * The leaf pages of the b-tree rooted at {@code rootPage}, in key order, as primitive numbers; see
     * {@link #leafPages(long)}.
     *
     * @param rootPage the root page number
     * @return the leaf page numbers
     * @throws SqliteFormatException if the tree is malformed
     */
    public long[] leafPageNumbers(long rootPage) {
        return walkPrimitive(rootPage).leaves();
    }

    /**
     * Adds every b-tree page (interior and leaf, not overflow) of the tree rooted at {@code rootPage} to a set.
     *
     * @param rootPage the root page number
     * @param pages    the set to add to
     * @throws SqliteFormatException if the tree is malformed
     */
    public void addPagesTo(long rootPage, PageNumberSet pages) {
        Walk walk = walkPrimitive(rootPage);
        pages.addAll(walk.interior());
        pages.addAll(walk.leaves());
    }

    /** The pages of a walk, in walk order, unboxed. */
    private record Walk(long[] interior, long[] leaves, int depth) {
    }

    private Walk walkPrimitive(long rootPage) {
        if (rootPage < 1) {
            throw new SqliteFormatException("invalid b-tree root page " + rootPage);
        }
        Map<Long, BTreePage> leftPath = new HashMap<>();
        BTreePage root = read(rootPage);
        BTreePage page = root;
        int depth = 0;
        while (!page.type().isLeaf()) {
            leftPath.put(page.pageNumber(), page);
            depth++;
            if (depth > MAX_DEPTH) {
                throw new SqliteFormatException("b-tree rooted at " + rootPage + " is deeper than " + MAX_DEPTH);
            }
            long child = page.childPageNumbers()[0];
            if (leftPath.containsKey(child)) {
                throw new SqliteFormatException("b-tree rooted at " + rootPage + " loops back to page " + child);
            }
            page = read(child);
            requireSameKind(root, page);
        }
        if (depth == 0) {
            return new Walk(new long[0], new long[] {rootPage}, 0);
        }
        LongList interior = new LongList();
        PageNumberSet seen = new PageNumberSet();
        seen.add(rootPage);
        LongList level = new LongList();
        level.add(rootPage);
        for (int d = 0; d < depth; d++) {
            LongList next = new LongList();
            for (int i = 0; i < level.size(); i++) {
                long pageNumber = level.get(i);
                BTreePage interiorPage = leftPath.containsKey(pageNumber) ? leftPath.get(pageNumber) : read(pageNumber);
                if (interiorPage.type().isLeaf()) {
                    throw new SqliteFormatException("b-tree rooted at " + rootPage + " is unbalanced: page "
                            + pageNumber + " is a leaf at depth " + d + " but the left-most leaf is at depth " + depth);
                }
                requireSameKind(root, interiorPage);
                interior.add(pageNumber);
                for (long child : interiorPage.childPageNumbers()) {
                    if (!seen.add(child)) {
                        throw new SqliteFormatException("b-tree rooted at " + rootPage + " reaches page " + child
                                + " twice");
                    }
                    next.add(child);
                }
            }
            level = next;
        }
        return new Walk(interior.toArray(), level.toArray(), depth);
    }

    private static Set<Long> boxed(long[] pageNumbers) {
        Set<Long> set = new LinkedHashSet<>();
        for (long pageNumber : pageNumbers) {
            set.add(pageNumber);
        }
        return set;
    }

    /** A growable list of primitive longs. */
    private static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long get(int index) {
            return values[index];
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    private BTreePage read(long pageNumber) {
        return BTreePage.read(source, pageNumber, usableSize);
    }

    private static void requireSameKind(BTreePage root, BTreePage page) {
        if (root.type().isTable() != page.type().isTable()) {
            throw new SqliteFormatException("page " + page.pageNumber() + " is " + page.type()
                    + " inside a b-tree whose root " + root.pageNumber() + " is " + root.type());
        }
    }
}
