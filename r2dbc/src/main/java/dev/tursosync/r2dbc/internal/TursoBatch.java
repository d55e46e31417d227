package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Result;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/** Statements without parameters, run in order, one result each. */
final class TursoBatch implements Batch {

    private final Session session;
    private final List<Executions.Work> work = new ArrayList<>();

    TursoBatch(Session session) {
        this.session = session;
    }

    @Override
    public Batch add(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        SqlScript script = SqlScript.parse(sql);
        if (script.parameterCount() > 0) {
            throw new IllegalArgumentException("batch statements take no parameters; use Statement.bind");
        }
        script.units().forEach(unit -> work.add(new Executions.Work(unit.sql(), new Object[0], unit.kind())));
        return this;
    }

    @Override
    public Flux<Result> execute() {
        return Executions.execute(session, List.copyOf(work), 0);
    }
}
