package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Type;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * A result column. SQLite types values, not columns, so the Java type here follows the declared type's affinity
 * (INTEGER → {@code Long}, REAL → {@code Double}, TEXT → {@code String}, BLOB → {@code ByteBuffer}, otherwise
 * {@code Object}); each value still comes back as what it is stored as.
 */
final class TursoColumnMetadata implements ColumnMetadata {

    private final String name;
    private final String declaredType;
    /** The affinity, worked out when first asked for (most results are read without it). */
    private R2dbcType type;

    TursoColumnMetadata(String name, String declaredType) {
        this.name = name;
        this.declaredType = declaredType == null ? "" : declaredType;
    }

    /** SQLite's affinity rules (datatype3.html §3.1), in their order. */
    private static R2dbcType affinity(String declared) {
        if (declared.contains("INT")) {
            return R2dbcType.BIGINT;
        }
        if (declared.contains("CLOB")) {
            return R2dbcType.CLOB;
        }
        if (declared.contains("CHAR") || declared.contains("TEXT")) {
            return R2dbcType.VARCHAR;
        }
        if (declared.contains("BLOB")) {
            return R2dbcType.BLOB;
        }
        if (declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB")) {
            return R2dbcType.DOUBLE;
        }
        return R2dbcType.NUMERIC;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Class<?> getJavaType() {
        return switch (type()) {
            case BIGINT -> Long.class;
            case VARCHAR, CLOB -> String.class;
            case BLOB -> ByteBuffer.class;
            case DOUBLE -> Double.class;
            default -> Object.class;
        };
    }

    @Override
    public Type getType() {
        return type();
    }

    /** The affinity; a race only works it out twice (an enum constant, safely published). */
    private R2dbcType type() {
        R2dbcType known = type;
        if (known == null) {
            known = affinity(declaredType.toUpperCase(Locale.ROOT));
            type = known;
        }
        return known;
    }

    @Override
    public Nullability getNullability() {
        return Nullability.UNKNOWN;
    }

    @Override
    public Object getNativeTypeMetadata() {
        return declaredType;
    }

    @Override
    public String toString() {
        return name + " " + declaredType;
    }
}
