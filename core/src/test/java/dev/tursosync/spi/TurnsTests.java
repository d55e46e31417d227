package dev.tursosync.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** {@link Turns}: one turn at a time, granted in the order asked. */
final class TurnsTests {

    @Test
    void aFreeTurnIsGrantedAtOnceAndAHeldOneIsNot() {
        Turns turns = Turns.create();
        Turns.Turn first = turns.tryNow();
        assertThat(first).isNotNull();
        assertThat(turns.tryNow()).as("held").isNull();
        first.release();
        first.release();
        Turns.Turn again = turns.tryNow();
        assertThat(again).as("released once, however often release is called").isNotNull();
        assertThat(turns.tryNow()).isNull();
    }

    @Test
    void waitersAreServedInOrderAndACancelledOneLeavesTheQueue() {
        Turns turns = Turns.create();
        Turns.Turn held = turns.tryNow();
        CompletableFuture<Turns.Turn> second = turns.next().toFuture();
        CompletableFuture<Turns.Turn> cancelled = new CompletableFuture<>();
        Disposable waiting = turns.next().subscribe(cancelled::complete);
        CompletableFuture<Turns.Turn> third = turns.next().toFuture();
        assertThat(turns.tryNow()).as("others wait").isNull();
        waiting.dispose();

        held.release();
        assertThat(second).as("granted on release").isDone();
        assertThat(third).isNotDone();
        second.join().release();
        assertThat(third).as("the cancelled waiter was skipped").isDone();
        assertThat(cancelled).isNotDone();
        third.join().release();
        assertThat(turns.tryNow()).as("nothing held once all released").isNotNull();
    }
}
