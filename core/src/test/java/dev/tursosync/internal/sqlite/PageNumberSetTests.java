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
}
