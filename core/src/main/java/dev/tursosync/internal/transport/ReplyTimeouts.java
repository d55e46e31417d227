package dev.tursosync.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * The read limits of one reply. Until the reply's body starts, the server may take the response timeout plus a
 * long poll (it holds a pull until it has changes); once the body streams, a silence longer than the response
 * timeout alone ends it, whatever the long poll.
 *
 * <p>Reactor Netty applies the limit it is given between every two reads of a reply; this swaps its handler for a
 * tighter one at the body's first bytes. One instance serves one attempt.
 */
final class ReplyTimeouts {

    private final Duration first;
    private final Duration later;
    private volatile Connection connection;
    private volatile boolean streaming;

    private ReplyTimeouts(Duration first, Duration later) {
        this.first = first;
        this.later = later;
    }

    /** One limit for the whole reply. */
    static ReplyTimeouts uniform(Duration limit) {
        return new ReplyTimeouts(limit, limit);
    }

    /** The response timeout plus a long poll until the body starts, the response timeout after. */
    static ReplyTimeouts withLongPoll(Duration response, Duration longPoll) {
        return new ReplyTimeouts(response.plus(longPoll), response);
    }

    /** The limit until the body starts, as Reactor Netty's response timeout. */
    Duration first() {
        return first;
    }

    /**
     * Takes the reply's connection when its headers arrive (Reactor Netty's {@code doOnResponse}).
     *
     * @param replying the connection the reply comes on
     */
    void attach(Connection replying) {
        this.connection = replying;
    }

    /**
     * The reply's body, which tightens the limit at its first bytes.
     *
     * @param body the body
     * @return the same body
     */
    Flux<ByteBuf> watch(Flux<ByteBuf> body) {
        return body.doOnNext(chunk -> {
            if (!streaming) {
                streaming = true;
                Connection replying = connection;
                if (replying != null && later.compareTo(first) < 0) {
                    tighten(replying.channel().pipeline());
                }
            }
        });
    }

    private void tighten(ChannelPipeline pipeline) {
        String name = NettyPipeline.ResponseTimeoutHandler;
        if (pipeline.get(name) != null) {
            pipeline.replace(name, name, new ReadTimeoutHandler(later.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** What a read timeout meant at the moment it struck, for the error's message. */
    String silence() {
        return streaming
                ? "the reply stopped: no data for " + later.toMillis() + " ms"
                : "no reply within " + first.toMillis() + " ms";
    }
}
