package dev.tursosync.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

/** A due push makes a pull give way only while the server has not started its reply. */
class PullInterruptTests {

    private final Sinks.One<String> pushDue = Sinks.one();
    private final Sinks.One<Boolean> replyStarted = Sinks.one();
    private final List<Object> signals = new CopyOnWriteArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    @Test
    void aPushDueBeforeTheReplyInterruptsThePull() {
        subscribe();
        pushDue.tryEmitValue("push");
        replyStarted.tryEmitValue(Boolean.TRUE);
        assertThat(signals).containsExactly("push");
    }

    @Test
    void aPushDueOnceTheReplyStreamsLeavesThePullAlone() {
        subscribe();
        replyStarted.tryEmitValue(Boolean.TRUE);
        pushDue.tryEmitValue("push");
        assertThat(signals).isEmpty();
        assertThat(ended).as("no completion either: it would end the pull as an interruption does").isFalse();
    }

    @Test
    void anInterruptThatEndsWithoutSignallingNeverEndsThePull() {
        subscribe();
        pushDue.tryEmitEmpty();
        assertThat(signals).isEmpty();
        assertThat(ended).isFalse();
    }

    private void subscribe() {
        PullOperation.beforeReply(pushDue.asMono(), replyStarted.asMono())
                .subscribe(signals::add, error -> ended.set(true), () -> ended.set(true));
    }
}
