package dev.tursosync.bench.fault;

import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A writer on the JS client: one write per transaction (a single statement, committed on its own), run while the
 * JS client's push or pull may be under way.
 */
final class JsWriter extends LocalWriter {

    private final JsClient client;

    JsWriter(WriterModel model, JsClient client, Random random, FaultTally tally, BooleanSupplier running) {
        super(model, random, tally, running, 1);
        this.client = client;
    }

    @Override
    void commit(List<Write> writes, Random random) {
        Write write = writes.get(0);
        SqlWrite sql = SqlWrite.of(write, model().name(), model().has(write.key()), random);
        long changed;
        try {
            changed = client.run(sql.sql(), sql.args());
        } catch (JsFailure e) {
            if (e.getMessage().contains("UNIQUE constraint failed")) {
                throw new WriterViolation(write + " (" + sql.sql() + ") found the row already there: " + e.summary());
            }
            throw e;
        }
        if (changed != 1) {
            throw new WriterViolation(write + " (" + sql.sql() + ") changed " + changed + " rows, expected 1");
        }
    }
}
