package dev.tursosync.bench.fault;

import dev.tursosync.SyncServerException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.testing.FaultProxy;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Exceptions;

/**
 * Runs the sync operations of the suite and counts them: by client and kind, whether the client's proxy injected a
 * fault while it ran (a faulted operation), and how it failed.
 *
 * <p>Each client has its own proxy and runs one sync operation at a time (local writes never use the network), so a
 * fault the proxy injected between the start and the end of an operation struck that operation's connections.
 */
final class Operations {

    /** Operations run, by client and kind. */
    static final String RUN = "operations run";
    /** Operations during which a fault was injected. */
    static final String FAULTED = "faulted operations";
    /** Failed operations, by error type. */
    static final String ERRORS = "errors by type";
    /** Java operations that failed with an error that is not a {@link TursoSyncException}. */
    static final String UNTYPED = "untyped errors of the Java client";

    private final FaultTally tally;
    private final LongAdder faulted = new LongAdder();
    private final LongAdder finished = new LongAdder();

    Operations(FaultTally tally) {
        this.tally = tally;
    }

    /**
     * Runs one operation and counts it; a failure is counted, not thrown.
     *
     * @param client the client's name
     * @param kind   the operation
     * @param proxy  the client's proxy
     * @param work   the operation, blocking until it ends
     * @return {@code true} if it succeeded
     */
    boolean run(String client, String kind, FaultProxy proxy, Runnable work) {
        long before = proxy.injected();
        String error = null;
        try {
            work.run();
        } catch (RuntimeException e) {
            error = describe(Exceptions.unwrap(e));
            if (error.startsWith("Java untyped")) {
                tally.note(client + " " + kind + " failed with " + Exceptions.unwrap(e) + "; faults injected during it: "
                        + proxy.faultsSince(before));
            }
        }
        boolean struck = proxy.injected() > before;
        tally.add(RUN, client + " " + kind);
        finished.increment();
        if (struck) {
            faulted.increment();
            tally.add(FAULTED, client + " " + kind);
        }
        if (error != null) {
            tally.add(ERRORS, error + (struck ? "" : " [no fault injected during the operation]"));
        }
        return error == null;
    }

    /**
     * The number of faulted operations so far.
     *
     * @return the count
     */
    long faulted() {
        return faulted.sum();
    }

    /**
     * The number of operations that ended so far, faulted or not: the suite's sign of progress.
     *
     * @return the count
     */
    long finished() {
        return finished.sum();
    }

    private String describe(Throwable error) {
        if (error instanceof JsFailure js) {
            return "JS " + js.summary();
        }
        if (error instanceof TursoSyncException typed) {
            String name = typed.getClass().getSimpleName();
            if (typed instanceof SyncServerException server) {
                name += " HTTP " + server.status();
            }
            return "Java " + name + (typed.isTransient() ? "" : " (not transient)");
        }
        tally.add(UNTYPED, error.getClass().getName() + ": " + error.getMessage());
        return "Java untyped " + error.getClass().getSimpleName();
    }
}
