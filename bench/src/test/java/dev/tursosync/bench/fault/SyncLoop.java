package dev.tursosync.bench.fault;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.FaultProxy;
import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The sync loop of one client: one operation at a time, chosen at random, until told to stop. A Java client runs
 * {@code push()}, {@code pullChanges()}, {@code sync()} and {@code checkpoint()}; the JS client push and pull.
 */
final class SyncLoop implements Runnable {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final String name;
    private final SyncClient java;
    private final JsClient js;
    private final FaultProxy proxy;
    private final Operations operations;
    private final Random random;
    private final BooleanSupplier running;

    private SyncLoop(String name, SyncClient java, JsClient js, FaultProxy proxy, Operations operations,
                     Random random, BooleanSupplier running) {
        this.name = name;
        this.java = java;
        this.js = js;
        this.proxy = proxy;
        this.operations = operations;
        this.random = random;
        this.running = running;
    }

    static SyncLoop java(String name, SyncClient client, FaultProxy proxy, Operations operations, Random random,
                         BooleanSupplier running) {
        return new SyncLoop(name, client, null, proxy, operations, random, running);
    }

    static SyncLoop js(String name, JsClient client, FaultProxy proxy, Operations operations, Random random,
                       BooleanSupplier running) {
        return new SyncLoop(name, null, client, proxy, operations, random, running);
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            if (java != null) {
                javaOperation(random.nextInt(100));
            } else if (random.nextBoolean()) {
                operations.run(name, "push", proxy, js::push);
            } else {
                operations.run(name, "pull", proxy, js::pull);
            }
            try {
                Thread.sleep(random.nextInt(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void javaOperation(int dice) {
        if (dice < 28) {
            operations.run(name, "push()", proxy, () -> java.push().block(WAIT));
        } else if (dice < 56) {
            operations.run(name, "pullChanges()", proxy, () -> java.pullChanges().then().block(WAIT));
        } else if (dice < 90) {
            operations.run(name, "sync()", proxy, () -> java.sync().block(WAIT));
        } else {
            operations.run(name, "checkpoint()", proxy, () -> java.checkpoint().block(WAIT));
        }
    }
}
