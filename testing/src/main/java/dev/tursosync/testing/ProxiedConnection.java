package dev.tursosync.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;

/**
 * One client connection of {@link FaultProxy} and its connection to the server: forwards bytes both ways and injects
 * the faults drawn for it. Every event runs on the client connection's event loop, so the state needs no locks.
 */
final class ProxiedConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ProxiedConnection.class);

    /**
     * What every connection of one proxy shares.
     *
     * @param server   connects to the server
     * @param config   the fault probabilities
     * @param counters the proxy's counters
     * @param faultsOn whether faults are injected now
     */
    record Context(TcpClient server, FaultConfig config, FaultCounters counters, BooleanSupplier faultsOn) {
    }

    private final long id;
    private final Context context;
    private final Random random;
    private final Connection client;
    private final EventLoop loop;
    private final RequestFraming framing = new RequestFraming();
    private final List<byte[]> toServerPending = new ArrayList<>();
    private Channel server;
    private FaultChoice choice = FaultChoice.NONE;
    private ByteArrayOutputStream heldRequest;
    private long responseBytes;
    private long requests;
    private boolean gateClosed;
    private boolean stalled;
    private boolean closed;

    private ProxiedConnection(long id, Connection client, Random random, Context context) {
        this.id = id;
        this.client = client;
        this.random = random;
        this.context = context;
        this.loop = client.channel().eventLoop();
    }

    /**
     * Takes over an accepted connection: refuses it, or connects to the server and starts forwarding.
     *
     * @param id      a number for the log
     * @param client  the accepted connection
     * @param random  its own random source
     * @param context what the proxy's connections share
     * @return the connection
     */
    static ProxiedConnection start(long id, Connection client, Random random, Context context) {
        ProxiedConnection connection = new ProxiedConnection(id, client, random, context);
        connection.onLoop(connection::begin);
        return connection;
    }

    /** Closes both connections at once (the proxy is closing). */
    void dispose() {
        onLoop(() -> {
            closed = true;
            client.channel().close();
            if (server != null) {
                server.close();
            }
        });
    }

    private void begin() {
        context.counters().connection();
        boolean refuse = random.nextDouble() < context.config().probability(FaultKind.REFUSE);
        boolean withReset = random.nextBoolean();
        if (refuse && context.faultsOn().getAsBoolean()) {
            inject(FaultKind.REFUSE, withReset ? "with a reset" : "with a clean close");
            closed = true;
            close(client.channel(), withReset);
            return;
        }
        client.inbound().receive().asByteArray()
                .subscribe(bytes -> onLoop(() -> fromClient(bytes)), error -> onLoop(this::clientClosed));
        client.onDispose(() -> onLoop(this::clientClosed));
        context.server().connect().subscribe(
                connection -> onLoop(() -> connected(connection)),
                error -> onLoop(() -> {
                    LOG.warn("fault proxy connection {}: cannot connect to the server: {}", id, error.toString());
                    closed = true;
                    close(client.channel(), true);
                }));
    }

    private void connected(Connection connection) {
        if (closed) {
            connection.dispose();
            return;
        }
        server = connection.channel();
        connection.inbound().receive().asByteArray()
                .subscribe(bytes -> onLoop(() -> fromServer(bytes)), error -> onLoop(this::serverClosed));
        connection.onDispose(() -> onLoop(this::serverClosed));
        flushToServer();
    }

    private void fromClient(byte[] bytes) {
        int position = 0;
        while (position < bytes.length && !closed && !stalled) {
            if (framing.atStart()) {
                startRequest();
            }
            int taken = framing.take(bytes, position, bytes.length);
            if (heldRequest != null) {
                heldRequest.write(bytes, position, taken);
            } else {
                toServer(Arrays.copyOfRange(bytes, position, position + taken));
            }
            position += taken;
            if (heldRequest != null && framing.unframed()) {
                byte[] held = heldRequest.toByteArray();
                heldRequest = null;
                choice = FaultChoice.NONE;
                toServer(held);
            } else if (framing.complete()) {
                if (heldRequest != null) {
                    requestHeld();
                }
                framing.next();
            }
        }
    }

    private void startRequest() {
        context.counters().request();
        requests++;
        FaultChoice drawn = FaultChoice.draw(context.config(), random);
        choice = context.faultsOn().getAsBoolean() ? drawn : FaultChoice.NONE;
        responseBytes = 0;
        FaultKind kind = choice.kind();
        if (kind == null) {
            return;
        }
        if (kind.holdsRequest()) {
            heldRequest = new ByteArrayOutputStream();
        } else if (kind == FaultKind.DELAY) {
            inject(kind, choice.delayMillis() + " ms");
            gateClosed = true;
            loop.schedule(() -> {
                gateClosed = false;
                flushToServer();
            }, choice.delayMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Acts on a request fault, once the whole request is held. */
    private void requestHeld() {
        byte[] request = heldRequest.toByteArray();
        heldRequest = null;
        FaultKind kind = choice.kind();
        int status = kind.httpStatus();
        if (status > 0) {
            inject(kind, "in place of a request of " + request.length + " bytes");
            closed = true;
            client.channel().writeAndFlush(Unpooled.wrappedBuffer(HttpErrorReply.of(status)))
                    .addListener(done -> client.channel().close());
            if (server != null) {
                server.close();
            }
            return;
        }
        int offset = choice.requestOffset(request.length);
        inject(kind, "after " + offset + " of " + request.length + " request bytes");
        toServer(Arrays.copyOf(request, offset));
        if (kind == FaultKind.RESET_REQUEST) {
            resetBoth();
        } else {
            stall();
        }
    }

    private void fromServer(byte[] bytes) {
        if (closed || stalled) {
            return;
        }
        FaultKind kind = choice.kind();
        if (kind != null && kind.strikesResponse() && choice.responseOffset() < responseBytes + bytes.length) {
            int prefix = (int) (choice.responseOffset() - responseBytes);
            inject(kind, "after " + choice.responseOffset() + " response bytes");
            toClient(Arrays.copyOf(bytes, prefix));
            switch (kind) {
                case RESET_RESPONSE -> resetBoth();
                case STALL_RESPONSE -> stall();
                default -> closeBoth();
            }
            return;
        }
        responseBytes += bytes.length;
        toClient(bytes);
    }

    private void toServer(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        toServerPending.add(bytes);
        flushToServer();
    }

    private void flushToServer() {
        if (server == null || gateClosed || closed) {
            return;
        }
        for (byte[] bytes : toServerPending) {
            server.write(Unpooled.wrappedBuffer(bytes));
        }
        toServerPending.clear();
        server.flush();
    }

    private void toClient(byte[] bytes) {
        if (bytes.length > 0) {
            client.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }
    }

    /** Stops forwarding; after the stall, both connections are reset (unless the client gave up first). */
    private void stall() {
        stalled = true;
        loop.schedule(() -> {
            if (!closed) {
                resetBoth();
            }
        }, context.config().stall().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void resetBoth() {
        closed = true;
        close(client.channel(), true);
        if (server != null) {
            close(server, true);
        }
    }

    private void closeBoth() {
        closed = true;
        close(client.channel(), false);
        if (server != null) {
            close(server, false);
        }
    }

    private void serverClosed() {
        if (!closed && !stalled) {
            closeBoth();
        }
    }

    private void clientClosed() {
        closed = true;
        toServerPending.clear();
        if (server != null) {
            server.close();
        }
    }

    private void inject(FaultKind kind, String detail) {
        String description = "connection " + id + " request " + requests + ": " + kind + " " + detail;
        context.counters().injected(kind, description);
        LOG.debug("fault proxy {}", description);
    }

    /** Closes a channel once what was written to it is flushed; with a reset (SO_LINGER 0) or a clean close. */
    private static void close(Channel channel, boolean reset) {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(done -> {
            if (reset && channel.isOpen()) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            channel.close();
        });
    }

    private void onLoop(Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("fault proxy connection {}: {}", id, e.toString(), e);
                resetBoth();
            }
        };
        if (loop.inEventLoop()) {
            guarded.run();
        } else {
            loop.execute(guarded);
        }
    }
}
