package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

final class PageNumberSetTests {

    @Test
    void addsContainsAndCountsEachNumberOnce() {
        PageNumberSet set = new PageNumberSet();
        assertThat(set.isEmpty()).isTrue();
        assertThat(set.add(7)).isTrue();
        assertThat(set.add(7)).isFalse();
        assertThat(set.add(1)).isTrue();
        assertThat(set.contains(7)).isTrue();
        assertThat(set.contains(1)).isTrue();
        assertThat(set.contains(2)).isFalse();
        assertThat(set.contains(0)).isFalse();
        assertThat(set.contains(-7)).isFalse();
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.toSortedArray()).containsExactly(1, 7);
    }

    @Test
    void refusesNumbersBelowOne() {
        PageNumberSet set = new PageNumberSet();
        assertThatThrownBy(() -> set.add(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> set.add(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageNumberSet.of(java.util.Arrays.asList(3L, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void agreesWithATreeSetThroughGrowth() {
        Random random = new Random(42);
        PageNumberSet set = new PageNumberSet();
        TreeSet<Long> model = new TreeSet<>();
        for (int i = 0; i < 200_000; i++) {
            long number = 1 + (i % 3 == 0 ? random.nextInt(1_000) : random.nextLong() >>> 1);
            assertThat(set.add(number)).isEqualTo(model.add(number));
        }
        assertThat(set.size()).isEqualTo(model.size());
        assertThat(set.toSortedArray()).containsExactly(model.stream().mapToLong(Long::longValue).toArray());
        for (int i = 0; i < 10_000; i++) {
            long probe = 1 + random.nextInt(2_000);
            assertThat(set.contains(probe)).isEqualTo(model.contains(probe));
        }
    }

    @Test
    void buildsFromArraysBoxedNumbersAndOtherSets() {
        PageNumberSet fromArray = PageNumberSet.of(5, 3, 5, 9);
        PageNumberSet fromBoxed = PageNumberSet.of(List.of(9L, 4L));
        fromArray.addAll(fromBoxed);
        assertThat(fromArray.toSortedArray()).containsExactly(3, 4, 5, 9);
        assertThat(fromBoxed.size()).isEqualTo(2);
        assertThat(new PageNumberSet(1_000).isEmpty()).isTrue();
    }

    @Test
    void keepsPageNumbersThatCollideInTheTable() {
        PageNumberSet set = new PageNumberSet(4);
        for (long n = 1; n <= 64; n++) {
            set.add(n * 16);
        }
        for (long n = 1; n <= 64; n++) {
            assertThat(set.contains(n * 16)).isTrue();
            assertThat(set.contains(n * 16 + 1)).isFalse();
        }
    }

    @Test
    void keepsADatabasesPagesOneToNInOneBitPerPage() {
        PageNumberSet set = new PageNumberSet();
        for (long page = 1; page <= 12_532; page++) {
            assertThat(set.add(page)).isTrue();
        }
        assertThat(set.add(12_532)).isFalse();
        assertThat(set.size()).isEqualTo(12_532);
        assertThat(set.contains(12_532)).isTrue();
        assertThat(set.contains(12_533)).isFalse();
        assertThat(set.toSortedArray()).hasSize(12_532).startsWith(1, 2, 3).endsWith(12_531, 12_532);
        // 12,532 bits and the empty hash table: far below the 2 x 12,532 longs of a hash table
        assertThat(set.allocatedWords()).isLessThan(12_532 / 64 * 2 + 64);
    }

    @Test
    void hugeNumbersFromAHostileServerAllocateByCountNotByValue() {
        PageNumberSet set = new PageNumberSet();
        set.add(Integer.MAX_VALUE);
        set.add(Long.MAX_VALUE);
        set.add(1L << 40);
        for (long i = 1; i <= 1_000; i++) {
            set.add(i * 1_000_003);
        }
        assertThat(set.size()).isEqualTo(1_003);
        assertThat(set.contains(Integer.MAX_VALUE)).isTrue();
        assertThat(set.contains(Long.MAX_VALUE)).isTrue();
        assertThat(set.contains(Long.MAX_VALUE - 1)).isFalse();
        assertThat(set.contains(1_000_003)).isTrue();
        assertThat(set.contains(1_000_004)).isFalse();
        long[] sorted = set.toSortedArray();
        assertThat(sorted[0]).isEqualTo(1_000_003);
        assertThat(sorted[sorted.length - 1]).isEqualTo(Long.MAX_VALUE);
        assertThat(sorted).isSorted();
        assertThat(set.allocatedWords()).isLessThanOrEqualTo(4 * 1_024 + 4_096 / 64);
    }

    @Test
    void aNumberHashedBeforeTheBitmapReachesItStaysOnce() {
        PageNumberSet set = new PageNumberSet();
        assertThat(set.add(50_000)).isTrue();
        assertThat(set.add(9_000)).isTrue();
        for (long page = 1; page <= 60_000; page++) {
            assertThat(set.add(page)).isEqualTo(page != 50_000 && page != 9_000);
        }
        assertThat(set.size()).isEqualTo(60_000);
        assertThat(set.contains(50_000)).isTrue();
        assertThat(set.toSortedArray()).hasSize(60_000).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void agreesWithATreeSetOnMixedDensities() {
        long seed = Long.getLong("pageNumberSet.seed", System.nanoTime());
        System.out.println("PageNumberSetTests seed " + seed + " (replay with -DpageNumberSet.seed=" + seed + ")");
        Random random = new Random(seed);
        PageNumberSet set = new PageNumberSet();
        TreeSet<Long> model = new TreeSet<>();
        for (int phase = 0; phase < 20; phase++) {
            long range = 1L << random.nextInt(40);
            for (int i = 0; i < 2_000; i++) {
                long number = 1 + Math.floorMod(random.nextLong(), range);
                assertThat(set.add(number)).isEqualTo(model.add(number));
            }
            for (int i = 0; i < 500; i++) {
                long probe = 1 + Math.floorMod(random.nextLong(), range);
                assertThat(set.contains(probe)).isEqualTo(model.contains(probe));
            }
        }
        PageNumberSet copy = new PageNumberSet();
        copy.addAll(set);
        assertThat(set.size()).isEqualTo(model.size());
        assertThat(set.toSortedArray()).containsExactly(model.stream().mapToLong(Long::longValue).toArray());
        assertThat(copy.toSortedArray()).containsExactly(set.toSortedArray());
    }
}
