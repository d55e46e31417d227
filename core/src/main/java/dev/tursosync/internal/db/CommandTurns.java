package dev.tursosync.internal.db;

import dev.tursosync.spi.Turns;
import reactor.core.publisher.Mono;

/** {@link Turns} over an {@link AccessGate} whose permits are all exclusive: one command at a time, in order. */
public final class CommandTurns implements Turns {

    private final AccessGate gate = new AccessGate();

    @Override
    public Turn tryNow() {
        return gate.tryExclusive();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<Turn> next() {
        // a permit is a turn: the cast costs nothing per turn, unlike Mono.cast
        return (Mono<Turn>) (Mono<? extends Turn>) gate.exclusive();
    }
}
