package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * A statement, possibly several separated by {@code ;}, with SQLite's parameter markers ({@code ?}, {@code ?NNN},
 * {@code :name}, {@code @name}, {@code $name}). Index {@code i} binds parameter number {@code i + 1}; a name binds
 * the marker as written or its name without the prefix. Each binding set runs every statement once, one result
 * each. {@link #returnGeneratedValues} appends a {@code RETURNING} clause.
 */
final class TursoStatement implements Statement {

    private static final Object UNSET = new Object();
    private static final Object[] NO_VALUES = new Object[0];

    private final Session session;
    private final SqlScript script;
    /** The sets given to {@link #add()}, {@code null} until the first. */
    private List<Object[]> bindings;
    private Object[] current;
    /**
     * Whether {@code current} went to an execution as it is (see {@link #work}): it is copied before it is bound
     * again, as the execution runs the values bound when {@code execute()} was called.
     */
    private boolean currentRuns;
    private String returning;
    private int fetchSize;

    TursoStatement(Session session, String sql) {
        this.session = session;
        this.script = SqlScript.parse(sql);
        this.current = fresh();
    }

    private Object[] fresh() {
        if (script.parameterCount() == 0) {
            return NO_VALUES;
        }
        Object[] values = new Object[script.parameterCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = script.isUsed(i) ? UNSET : Encoding.NULL;
        }
        return values;
    }

    @Override
    public Statement add() {
        requireComplete(current);
        if (bindings == null) {
            bindings = new ArrayList<>();
        }
        bindings.add(current);
        current = fresh();
        currentRuns = false;
        return this;
    }

    @Override
    public Statement bind(int index, Object value) {
        bindable()[checkIndex(index)] = Encoding.encode(value);
        return this;
    }

    @Override
    public Statement bind(String name, Object value) {
        bindable()[indexOf(name)] = Encoding.encode(value);
        return this;
    }

    @Override
    public Statement bindNull(int index, Class<?> type) {
        bindable()[checkIndex(index)] = Encoding.encodeNull(type);
        return this;
    }

    @Override
    public Statement bindNull(String name, Class<?> type) {
        bindable()[indexOf(name)] = Encoding.encodeNull(type);
        return this;
    }

    /** The current set, to bind a value into: a copy once the set went to an execution as it is. */
    private Object[] bindable() {
        if (currentRuns) {
            current = current.clone();
            currentRuns = false;
        }
        return current;
    }

    @Override
    public Statement returnGeneratedValues(String... columns) {
        if (columns == null || Arrays.stream(columns).anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("columns must not be null");
        }
        this.returning = columns.length == 0 ? "*" : String.join(", ", columns);
        return this;
    }

    @Override
    public Statement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("fetch size must not be negative");
        }
        this.fetchSize = rows;
        return this;
    }

    @Override
    public Flux<Result> execute() {
        boolean untouched = isUntouched(current);
        boolean added = bindings != null;
        boolean runCurrent = !untouched || !added;
        if (runCurrent) {
            requireComplete(current);
        }
        if (added && untouched && script.parameterCount() > 0) {
            return Flux.error(new IllegalStateException("add() was called without binding a new set of values"));
        }
        List<SqlScript.Unit> units = script.units();
        if (!added && units.size() == 1) {
            // the common case, one statement and one set: no list to grow
            return Executions.execute(session, work(units.get(0), current, false), fetchSize);
        }
        List<Executions.Work> work = new ArrayList<>(((added ? bindings.size() : 0) + 1) * units.size());
        if (added) {
            for (Object[] values : bindings) {
                addWork(work, units, values, true);
            }
        }
        if (runCurrent) {
            addWork(work, units, current, false);
        }
        return Executions.execute(session, work, fetchSize);
    }

    /**
     * Adds one binding set's statements. A statement that takes its parameters in order runs with its set as it is: a
     * set given to {@link #add()} is never bound again, and the current set, which may still be bound after {@code
     * execute()} (before the execution is subscribed to), is copied by the next bind instead ({@link #bindable()}).
     */
    private void addWork(List<Executions.Work> work, List<SqlScript.Unit> units, Object[] values, boolean added) {
        for (SqlScript.Unit unit : units) {
            work.add(work(unit, values, added));
        }
    }

    /** One statement of a binding set (see {@link #addWork}). */
    private Executions.Work work(SqlScript.Unit unit, Object[] values, boolean added) {
        Object[] local;
        if (unit.takesAllInOrder(values.length)) {
            local = values;
            currentRuns |= !added;
        } else {
            local = localValues(unit, values);
        }
        return returning == null ? new Executions.Work(unit.sql(), local, unit.kind())
                : withReturning(unit.sql(), local);
    }

    /** Whether no value of a set was bound: what {@link #fresh()} gives, without making one. */
    private boolean isUntouched(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (script.isUsed(i) ? UNSET : Encoding.NULL)) {
                return false;
            }
        }
        return true;
    }

    /** A statement with the {@code RETURNING} clause appended, which makes it another statement, of its own kind. */
    private Executions.Work withReturning(String sql, Object[] values) {
        String body = sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
        String text = body + " RETURNING " + returning;
        return new Executions.Work(text, values, StatementKind.of(text));
    }

    private static Object[] localValues(SqlScript.Unit unit, Object[] values) {
        Object[] local = new Object[unit.parameters().length];
        for (int i = 0; i < local.length; i++) {
            int number = unit.parameters()[i];
            local[i] = number == 0 ? Encoding.NULL : values[number - 1];
        }
        return local;
    }

    private void requireComplete(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == UNSET) {
                throw new IllegalStateException("parameter " + i + " is not bound");
            }
        }
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= current.length) {
            throw new IndexOutOfBoundsException("parameter index " + index + " outside 0.."
                    + (current.length - 1));
        }
        return index;
    }

    private int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        int index = script.indexOf(name);
        if (index < 0) {
            throw new NoSuchElementException("no parameter named " + name);
        }
        return index;
    }
}
