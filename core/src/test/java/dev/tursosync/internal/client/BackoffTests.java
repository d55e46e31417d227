package dev.tursosync.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTests {

    @Test
    void doublesFromTheFirstDelayUpToTheCapWithoutJitter() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0, () -> 0.5);
        assertThat(new long[] {backoff.delay(1).toMillis(), backoff.delay(2).toMillis(), backoff.delay(3).toMillis(),
                backoff.delay(4).toMillis(), backoff.delay(5).toMillis(), backoff.delay(100).toMillis()})
                .containsExactly(100, 200, 400, 800, 1000, 1000);
    }

    @Test
    void jitterMovesEachDelayByAtMostItsShareInEitherDirection() {
        Random random = new Random(7);
        Backoff backoff = new Backoff(Duration.ofMillis(400), Duration.ofSeconds(10), 0.5, random::nextDouble);
        long low = Long.MAX_VALUE;
        long high = 0;
        for (int i = 0; i < 2000; i++) {
            long delay = backoff.delay(1).toMillis();
            low = Math.min(low, delay);
            high = Math.max(high, delay);
        }
        assertThat(low).isBetween(200L, 220L);
        assertThat(high).isBetween(580L, 600L);
    }

    @Test
    void theExtremesOfTheRandomSourceGiveTheBounds() {
        assertThat(new Backoff(Duration.ofMillis(1000), Duration.ofSeconds(5), 0.25, () -> 0).delay(1))
                .isEqualTo(Duration.ofMillis(750));
        assertThat(new Backoff(Duration.ofMillis(1000), Duration.ofSeconds(5), 0.25, () -> 1).delay(1))
                .isEqualTo(Duration.ofMillis(1250));
    }

    @Test
    void veryLateRetriesStayAtTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(3), Duration.ofMinutes(1), 0, () -> 0.5);
        assertThat(backoff.delay(Long.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));
        assertThat(backoff.delay(63)).isEqualTo(Duration.ofMinutes(1));
    }
}
