package dev.tursosync.r2dbc.spring;

import java.util.Collection;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.r2dbc.dialect.R2dbcDialect;
import org.springframework.data.relational.core.dialect.AbstractDialect;
import org.springframework.data.relational.core.dialect.LimitClause;
import org.springframework.data.relational.core.dialect.LockClause;
import org.springframework.data.relational.core.sql.IdentifierProcessing;
import org.springframework.data.relational.core.sql.LockOptions;
import org.springframework.r2dbc.core.binding.BindMarkersFactory;

/**
 * Spring Data R2DBC's view of SQLite: {@code LIMIT}/{@code OFFSET}, no row locks (SQLite locks the whole
 * database, so {@code FOR UPDATE} does not exist), ANSI-quoted identifiers kept as written, and {@code ?1},
 * {@code ?2}, … bind markers bound by index. SQLite has no boolean type: booleans are written as 1 and 0, and an
 * INTEGER read into a {@code boolean} property is {@code false} for 0 and {@code true} otherwise.
 */
public class SqliteDialect extends AbstractDialect implements R2dbcDialect {

    /** The shared instance. */
    public static final SqliteDialect INSTANCE = new SqliteDialect();

    private static final BindMarkersFactory BIND_MARKERS = BindMarkersFactory.indexed("?", 1);

    private static final LimitClause LIMIT = new LimitClause() {
        @Override
        public String getLimit(long limit) {
            return "LIMIT " + limit;
        }

        @Override
        public String getOffset(long offset) {
            return "LIMIT -1 OFFSET " + offset;
        }

        @Override
        public String getLimitOffset(long limit, long offset) {
            return "LIMIT " + limit + " OFFSET " + offset;
        }

        @Override
        public Position getClausePosition() {
            return Position.AFTER_ORDER_BY;
        }
    };

    private static final LockClause NO_LOCK = new LockClause() {
        @Override
        public String getLock(LockOptions lockOptions) {
            return "";
        }

        @Override
        public Position getClausePosition() {
            return Position.AFTER_ORDER_BY;
        }
    };

    /** Reads SQLite's INTEGER booleans; the driver already writes {@code Boolean} as 1 or 0. */
    @ReadingConverter
    private enum IntegerToBoolean implements Converter<Long, Boolean> {
        INSTANCE;

        @Override
        public Boolean convert(Long value) {
            return value != 0;
        }
    }

    /** Creates a dialect; {@link #INSTANCE} is the shared one. */
    public SqliteDialect() {
    }

    @Override
    public Collection<Object> getConverters() {
        return List.of(IntegerToBoolean.INSTANCE);
    }

    @Override
    public BindMarkersFactory getBindMarkersFactory() {
        return BIND_MARKERS;
    }

    @Override
    public LimitClause limit() {
        return LIMIT;
    }

    @Override
    public LockClause lock() {
        return NO_LOCK;
    }

    @Override
    public IdentifierProcessing getIdentifierProcessing() {
        return IdentifierProcessing.create(IdentifierProcessing.Quoting.ANSI, IdentifierProcessing.LetterCasing.AS_IS);
    }
}
