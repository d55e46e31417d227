package dev.tursosync.bench.fault;

import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The loop of one local writer: plans a transaction on its own rows, commits it through its client, and records it
 * in its {@link WriterModel} once committed, until told to stop. A failed write is counted and changes nothing; a
 * {@link WriterViolation} stops the writer and is kept for the end of the test.
 */
abstract class LocalWriter implements Runnable {

    /** Local transactions, by outcome. */
    static final String WRITES = "local write transactions";

    private final WriterModel model;
    private final Random random;
    private final FaultTally tally;
    private final BooleanSupplier running;
    private final int maxWrites;
    private volatile String violation;

    /**
     * Creates a writer.
     *
     * @param model     what it has committed
     * @param random    its random choices
     * @param tally     the suite's counters
     * @param running   tells when to stop
     * @param maxWrites the most writes in one transaction
     */
    LocalWriter(WriterModel model, Random random, FaultTally tally, BooleanSupplier running, int maxWrites) {
        this.model = model;
        this.random = random;
        this.tally = tally;
        this.running = running;
        this.maxWrites = maxWrites;
    }

    /**
     * Commits the writes in one local transaction, all or none.
     *
     * @param writes the writes, each on a row of this writer
     * @param random the writer's random source, to pick the SQL form
     * @throws WriterViolation if a write did not change exactly one row (nothing is committed then)
     * @throws RuntimeException if the transaction failed (nothing is committed)
     */
    abstract void commit(List<Write> writes, Random random);

    @Override
    public final void run() {
        while (running.getAsBoolean()) {
            List<Write> writes = model.plan(random, maxWrites);
            try {
                commit(writes, random);
                model.committed(writes);
                tally.add(WRITES, model.name() + " committed");
            } catch (WriterViolation e) {
                violation = model.name() + ": " + e.getMessage() + "; its rows: " + model.values().keySet();
                tally.note("writer " + violation);
                return;
            } catch (JsFailure e) {
                tally.add(WRITES, model.name() + " failed: " + e.summary());
            } catch (RuntimeException e) {
                tally.add(WRITES, model.name() + " failed: " + e.getClass().getSimpleName());
                tally.note("writer " + model.name() + " failed: " + e.toString().lines().findFirst().orElse(""));
            }
            try {
                Thread.sleep(10 + random.nextInt(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The violation that stopped this writer.
     *
     * @return the message, or {@code null}
     */
    final String violation() {
        return violation;
    }

    /**
     * The writer's model, for the SQL forms.
     *
     * @return the model
     */
    final WriterModel model() {
        return model;
    }
}
