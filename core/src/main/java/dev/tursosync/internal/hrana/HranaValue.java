package dev.tursosync.internal.hrana;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A value of the Hrana protocol: the five SQLite storage classes.
 *
 * <p>Java values map as follows ({@link #of(Object)}): {@code null} to NULL; {@code Long}, {@code Integer},
 * {@code Short}, {@code Byte} and {@code Boolean} (1 or 0) to INTEGER; {@code BigInteger} to INTEGER when it fits in
 * 64 bits; {@code Double} and {@code Float} to REAL; {@code String} to TEXT; {@code byte[]} and {@code ByteBuffer} to
 * BLOB.
 *
 * <p>Floating point edge cases follow SQLite: NaN becomes NULL (SQLite stores NaN as NULL), and infinities are
 * rejected because JSON, the wire format, has no representation for them.
 */
public sealed interface HranaValue {

    /**
     * Converts a Java value.
     *
     * @param value the value, possibly {@code null}
     * @return the Hrana value
     * @throws IllegalArgumentException for an unsupported type, an infinite float or an integer beyond 64 bits
     */
    static HranaValue of(Object value) {
        if (value == null) {
            return NullValue.INSTANCE;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return new IntegerValue(((Number) value).longValue());
        }
        if (value instanceof Boolean b) {
            return new IntegerValue(b ? 1 : 0);
        }
        if (value instanceof BigInteger big) {
            if (big.bitLength() > 63) {
                throw new IllegalArgumentException("integer does not fit in 64 bits: " + big);
            }
            return new IntegerValue(big.longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            return ofDouble(((Number) value).doubleValue());
        }
        if (value instanceof String s) {
            return new TextValue(s);
        }
        if (value instanceof byte[] bytes) {
            return new BlobValue(bytes.clone());
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return new BlobValue(bytes);
        }
        if (value instanceof HranaValue hrana) {
            return hrana;
        }
        throw new IllegalArgumentException("unsupported value type: " + value.getClass().getName());
    }

    private static HranaValue ofDouble(double d) {
        if (Double.isNaN(d)) {
            return NullValue.INSTANCE;
        }
        if (Double.isInfinite(d)) {
            throw new IllegalArgumentException("infinite REAL values cannot be sent: JSON has no representation for them");
        }
        return new FloatValue(d);
    }

    /**
     * This value as a plain Java object: {@code null}, {@code Long}, {@code Double}, {@code String} or
     * {@code byte[]}.
     *
     * @return the Java value
     */
    Object toJava();

    /** SQL NULL. */
    enum NullValue implements HranaValue {
        /** The only instance. */
        INSTANCE;

        @Override
        public Object toJava() {
            return null;
        }
    }

    /**
     * A 64-bit signed INTEGER (sent as a decimal string, so no precision is lost beyond 2^53).
     *
     * @param value the integer
     */
    record IntegerValue(long value) implements HranaValue {
        @Override
        public Object toJava() {
            return value;
        }
    }

    /**
     * A REAL: a finite IEEE 754 double.
     *
     * @param value the double
     */
    record FloatValue(double value) implements HranaValue {
        @Override
        public Object toJava() {
            return value;
        }
    }

    /**
     * TEXT.
     *
     * @param value the string
     */
    record TextValue(String value) implements HranaValue {
        /**
         * Rejects null.
         *
         * @param value the string
         */
        public TextValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Object toJava() {
            return value;
        }
    }

    /**
     * A BLOB. The array is owned by this value: callers must not modify it.
     *
     * @param value the bytes
     */
    record BlobValue(byte[] value) implements HranaValue {
        /**
         * Rejects null.
         *
         * @param value the bytes
         */
        public BlobValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Object toJava() {
            return value.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof BlobValue blob && Arrays.equals(value, blob.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "BlobValue[" + value.length + " bytes]";
        }
    }
}
