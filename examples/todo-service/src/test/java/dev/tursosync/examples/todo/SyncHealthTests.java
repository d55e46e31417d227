package dev.tursosync.examples.todo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncServerException;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStats;
import dev.tursosync.SyncStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SyncHealthTests {

    private static final SyncStats STATS = new SyncStats("7", 0, 0, 4096, 0, 0, null, null, 0);
    private static final Instant PULLED = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void startingUntilTheFirstPull() {
        SyncHealth health = SyncHealth.of(new SyncStatus(SyncState.IDLE, null, null, null, null), STATS);
        assertThat(health.status()).isEqualTo(SyncHealth.Status.STARTING);
    }

    @Test
    void upAfterASuccess() {
        SyncHealth health = SyncHealth.of(new SyncStatus(SyncState.PULLING, null, null, PULLED, null), STATS);
        assertThat(health.status()).isEqualTo(SyncHealth.Status.UP);
        assertThat(health.state()).isEqualTo(SyncState.PULLING);
        assertThat(health.lastPull()).isEqualTo(PULLED);
        assertThat(health.error()).isNull();
    }

    @Test
    void failingWhileBackingOffWithTheCauseAndTheNextAttempt() {
        Instant next = PULLED.plusSeconds(4);
        SyncServerException cause = new SyncServerException("POST /pull-updates", 503, "");
        SyncHealth health = SyncHealth.of(new SyncStatus(SyncState.BACKING_OFF, cause, next, PULLED, null), STATS);
        assertThat(health.status()).isEqualTo(SyncHealth.Status.SYNC_FAILING);
        assertThat(health.state()).isEqualTo(SyncState.BACKING_OFF);
        assertThat(health.error()).contains("503");
        assertThat(health.nextAttempt()).isEqualTo(next);
    }
}
