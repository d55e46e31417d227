package dev.tursosync.internal.db;

import java.lang.reflect.Field;

/**
 * Tells a test whether a client's exclusive window is open right now (a pull applying or a checkpoint running), so a
 * test can cancel exactly inside it. Reads the manager's gate, which is private, by reflection.
 */
public final class ExclusiveWindowProbe {

    private final AccessGate gate;

    /**
     * Probes a manager.
     *
     * @param manager the client's connection manager
     */
    public ExclusiveWindowProbe(ConnectionManager manager) {
        try {
            Field field = ConnectionManager.class.getDeclaredField("gate");
            field.setAccessible(true);
            this.gate = (AccessGate) field.get(manager);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the connection manager has no access gate to probe", e);
        }
    }

    /**
     * Whether exclusive work holds the permit now.
     *
     * @return {@code true} while a pull applies or a checkpoint runs
     */
    public boolean exclusiveHeld() {
        return gate.state()[1] == 1;
    }

    /**
     * The gate's counts, for a failure's diagnostics.
     *
     * @return shared holders, exclusive held, waiters
     */
    public String describe() {
        int[] state = gate.state();
        return "shared holders " + state[0] + ", exclusive held " + state[1] + ", waiting " + state[2];
    }
}
