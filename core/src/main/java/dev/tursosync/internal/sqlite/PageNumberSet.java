package dev.tursosync.internal.sqlite;

import java.util.Arrays;

/**
 * A set of page numbers kept as primitive {@code long}s (open addressing, linear probing): no boxing, one array.
 *
 * <p>Page numbers are positive, so 0 marks an empty slot; adding a number below 1 is refused. Not thread-safe.
 */
public final class PageNumberSet {

    private static final int MIN_CAPACITY = 16;

    private long[] slots;
    private int size;

    /** Creates an empty set. */
    public PageNumberSet() {
        this(0);
    }

    /**
     * Creates an empty set sized for about {@code expected} numbers.
     *
     * @param expected how many numbers will be added
     */
    public PageNumberSet(int expected) {
        slots = new long[capacityFor(Math.max(expected, 0))];
    }

    /**
     * A set of the given numbers.
     *
     * @param pageNumbers the numbers (repeats are allowed)
     * @return the set
     * @throws IllegalArgumentException if a number is below 1
     */
    public static PageNumberSet of(long... pageNumbers) {
        PageNumberSet set = new PageNumberSet(pageNumbers.length);
        set.addAll(pageNumbers);
        return set;
    }

    /**
     * A set of the given numbers.
     *
     * @param pageNumbers the numbers (repeats are allowed)
     * @return the set
     * @throws IllegalArgumentException if a number is null or below 1
     */
    public static PageNumberSet of(Iterable<Long> pageNumbers) {
        PageNumberSet set = new PageNumberSet();
        for (Long pageNumber : pageNumbers) {
            if (pageNumber == null) {
                throw new IllegalArgumentException("null page number");
            }
            set.add(pageNumber);
        }
        return set;
    }

    /**
     * Adds a number.
     *
     * @param pageNumber a page number, 1 or more
     * @return true if it was not in the set yet
     * @throws IllegalArgumentException if the number is below 1
     */
    public boolean add(long pageNumber) {
        if (pageNumber < 1) {
            throw new IllegalArgumentException("page numbers start at 1: " + pageNumber);
        }
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        if (!insert(slots, pageNumber)) {
            return false;
        }
        size++;
        return true;
    }

    /**
     * Adds numbers.
     *
     * @param pageNumbers the numbers
     * @throws IllegalArgumentException if a number is below 1 (those before it are added)
     */
    public void addAll(long... pageNumbers) {
        for (long pageNumber : pageNumbers) {
            add(pageNumber);
        }
    }

    /**
     * Adds every number of another set.
     *
     * @param other the other set
     */
    public void addAll(PageNumberSet other) {
        for (long slot : other.slots) {
            if (slot != 0) {
                add(slot);
            }
        }
    }

    /**
     * Whether a number is in the set.
     *
     * @param pageNumber any number
     * @return true if it was added
     */
    public boolean contains(long pageNumber) {
        if (pageNumber < 1) {
            return false;
        }
        return slots[slotOf(slots, pageNumber)] == pageNumber;
    }

    /**
     * How many numbers the set holds.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * Whether the set is empty.
     *
     * @return true if no number was added
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * The numbers, ascending.
     *
     * @return a new array
     */
    public long[] toSortedArray() {
        long[] numbers = new long[size];
        int n = 0;
        for (long slot : slots) {
            if (slot != 0) {
                numbers[n++] = slot;
            }
        }
        Arrays.sort(numbers);
        return numbers;
    }

    @Override
    public String toString() {
        return "PageNumberSet" + Arrays.toString(toSortedArray());
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long slot : slots) {
            if (slot != 0) {
                insert(bigger, slot);
            }
        }
        slots = bigger;
    }

    private static boolean insert(long[] table, long pageNumber) {
        int slot = slotOf(table, pageNumber);
        if (table[slot] == pageNumber) {
            return false;
        }
        table[slot] = pageNumber;
        return true;
    }

    /** The slot holding the number, or the empty slot where it would go. */
    private static int slotOf(long[] table, long pageNumber) {
        int mask = table.length - 1;
        int i = index(pageNumber, mask);
        while (table[i] != 0 && table[i] != pageNumber) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static int index(long pageNumber, int mask) {
        long mixed = pageNumber * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }

    private static int capacityFor(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity < 2L * expected && capacity < (1 << 30)) {
            capacity <<= 1;
        }
        return capacity;
    }
}
