package dev.tursosync.internal.sqlite;

import java.util.Arrays;

/**
 * A set of page numbers kept as primitive {@code long}s: no boxing. Page numbers are positive, so adding a number
 * below 1 is refused. Not thread-safe.
 *
 * <p>A database's pages are numbered 1 to its size, so the numbers of a pull or a bootstrap are mostly dense: those
 * are kept in a bitmap of pages 1 to some limit (one bit each, no hashing). A number above that limit goes into a
 * hash table of primitive longs (open addressing, linear probing) unless the bitmap may grow to take it. The bitmap
 * only grows while it stays below about 64 bits per number held (8 bytes per number, half of what a number costs in
 * the hash table), so a few huge numbers, such as a hostile server's page 2,147,483,647, never allocate by their
 * value: the memory stays proportional to how many numbers were added.
 */
public final class PageNumberSet {

    private static final int MIN_CAPACITY = 16;
    /** The bitmap may always cover this many pages (512 bytes), however few numbers it holds. */
    private static final long MIN_BITMAP_PAGES = 4096;
    /** The bitmap may cover this many pages per number held. */
    private static final long BITMAP_PAGES_PER_NUMBER = 64;

    /** Bit {@code n - 1} is set when page {@code n} is in the set, for {@code n} up to {@link #bitmapLimit()}. */
    private long[] bits = new long[0];
    /** The numbers above the bitmap's limit; 0 marks an empty slot. */
    private long[] slots;
    private int hashed;
    private int size;

    /** Creates an empty set. */
    public PageNumberSet() {
        this(0);
    }

    /**
     * Creates an empty set sized for about {@code expected} numbers that do not fit the bitmap.
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
        PageNumberSet set = new PageNumberSet();
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
        if (pageNumber > bitmapLimit() && pageNumber <= bitmapCeiling()) {
            growBitmapTo(pageNumber);
        }
        boolean added = pageNumber <= bitmapLimit() ? setBit(pageNumber) : addHashed(pageNumber);
        if (added) {
            size++;
        }
        return added;
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
        addAll(other.toSortedArray());
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
        if (pageNumber <= bitmapLimit()) {
            long bit = pageNumber - 1;
            return (bits[(int) (bit >>> 6)] & (1L << bit)) != 0;
        }
        return hashed > 0 && slots[slotOf(slots, pageNumber)] == pageNumber;
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
        for (int word = 0; word < bits.length; word++) {
            for (long remaining = bits[word]; remaining != 0; remaining &= remaining - 1) {
                numbers[n++] = (long) word * 64 + Long.numberOfTrailingZeros(remaining) + 1;
            }
        }
        int bitmapped = n;
        for (long slot : slots) {
            if (slot != 0) {
                numbers[n++] = slot;
            }
        }
        // every hashed number is above the bitmap's limit, so only the hashed part needs sorting
        Arrays.sort(numbers, bitmapped, n);
        return numbers;
    }

    /**
     * How many longs the set's arrays hold (the bitmap and the hash table), for tests of its memory bound.
     *
     * @return the count
     */
    long allocatedWords() {
        return (long) bits.length + slots.length;
    }

    @Override
    public String toString() {
        return "PageNumberSet" + Arrays.toString(toSortedArray());
    }

    /** The largest number the bitmap covers. */
    private long bitmapLimit() {
        return (long) bits.length * 64;
    }

    /** The largest number the bitmap may grow to cover while holding the numbers it has and one more. */
    private long bitmapCeiling() {
        return Math.max(MIN_BITMAP_PAGES, BITMAP_PAGES_PER_NUMBER * (size + 1L));
    }

    /** Grows the bitmap to cover {@code pageNumber} (at least doubling), and moves the hashed numbers it now covers. */
    private void growBitmapTo(long pageNumber) {
        long ceilingWords = (bitmapCeiling() + 63) / 64;
        long neededWords = (pageNumber + 63) / 64;
        int words = (int) Math.min(ceilingWords, Math.max(neededWords, 2L * bits.length));
        bits = Arrays.copyOf(bits, words);
        if (hashed == 0) {
            return;
        }
        long[] old = slots;
        slots = new long[old.length];
        hashed = 0;
        for (long slot : old) {
            if (slot == 0) {
                continue;
            }
            if (slot <= bitmapLimit()) {
                setBit(slot);
            } else {
                insert(slots, slot);
                hashed++;
            }
        }
    }

    private boolean setBit(long pageNumber) {
        long bit = pageNumber - 1;
        int word = (int) (bit >>> 6);
        long mask = 1L << bit;
        if ((bits[word] & mask) != 0) {
            return false;
        }
        bits[word] |= mask;
        return true;
    }

    private boolean addHashed(long pageNumber) {
        if (2 * (hashed + 1) > slots.length) {
            growHash();
        }
        if (!insert(slots, pageNumber)) {
            return false;
        }
        hashed++;
        return true;
    }

    private void growHash() {
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
