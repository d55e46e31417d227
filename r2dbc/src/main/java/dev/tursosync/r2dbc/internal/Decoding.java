package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Turns a stored SQLite value ({@code Long}, {@code Double}, {@code String}, {@code byte[]} or {@code null}) into
 * the Java type a caller asks for. Without a type: INTEGER gives {@code Long}, REAL {@code Double}, TEXT
 * {@code String} and BLOB {@code ByteBuffer}. The reverse of {@link Encoding}.
 */
public final class Decoding {

    /** Reads {@code 2024-01-31 13:45:00}, {@code 2024-01-31T13:45}, with or without an offset or {@code Z}. */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffsetId().optionalEnd()
            .toFormatter();

    private Decoding() {
    }

    /**
     * The value a caller gets without asking for a type.
     *
     * @param stored the stored value
     * @return the natural Java value
     */
    public static Object natural(Object stored) {
        return stored instanceof byte[] bytes ? ByteBuffer.wrap(bytes.clone()) : stored;
    }

    /**
     * Converts a stored value.
     *
     * @param stored the stored value
     * @param type   the requested type
     * @param <T>    the requested type
     * @return the converted value, {@code null} for SQL NULL
     * @throws IllegalArgumentException if the value cannot be read as that type
     */
    @SuppressWarnings("unchecked")
    public static <T> T decode(Object stored, Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (stored == null) {
            return null;
        }
        try {
            Object value = convert(stored, boxed(type));
            if (value == null) {
                throw new IllegalArgumentException("cannot read a " + storageClass(stored) + " value as "
                        + type.getName());
            }
            return (T) value;
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("cannot read the " + storageClass(stored) + " value as "
                    + type.getName() + ": " + e.getMessage(), e);
        }
    }

    private static Object convert(Object stored, Class<?> type) {
        if (type == Object.class) {
            return natural(stored);
        }
        if (type.isInstance(stored) && !(stored instanceof byte[])) {
            return stored;
        }
        if (stored instanceof Long number) {
            return fromInteger(number, type);
        }
        if (stored instanceof Double number) {
            return fromReal(number, type);
        }
        if (stored instanceof String text) {
            return fromText(text, type);
        }
        if (stored instanceof byte[] bytes) {
            return fromBlob(bytes, type);
        }
        return null;
    }

    private static Object fromInteger(long value, Class<?> type) {
        if (type == Integer.class) {
            return Math.toIntExact(value);
        }
        if (type == Short.class) {
            return (short) checkedRange(value, Short.MIN_VALUE, Short.MAX_VALUE);
        }
        if (type == Byte.class) {
            return (byte) checkedRange(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
        }
        if (type == Boolean.class) {
            return value != 0;
        }
        if (type == BigInteger.class) {
            return BigInteger.valueOf(value);
        }
        if (type == BigDecimal.class) {
            return BigDecimal.valueOf(value);
        }
        if (type == Double.class) {
            return (double) value;
        }
        if (type == Float.class) {
            return (float) value;
        }
        if (type == String.class) {
            return Long.toString(value);
        }
        return null;
    }

    private static Object fromReal(double value, Class<?> type) {
        if (type == Float.class) {
            return (float) value;
        }
        if (type == BigDecimal.class) {
            return BigDecimal.valueOf(value);
        }
        if (type == String.class) {
            return Double.toString(value);
        }
        if (type == Long.class || type == Integer.class) {
            long whole = (long) value;
            if (whole != value) {
                throw new ArithmeticException(value + " is not a whole number");
            }
            return type == Long.class ? (Object) whole : (Object) Math.toIntExact(whole);
        }
        return null;
    }

    private static Object fromText(String text, Class<?> type) {
        if (type == Clob.class) {
            return Clob.from(Mono.just(text));
        }
        if (type == BigDecimal.class) {
            return new BigDecimal(text.strip());
        }
        if (type == BigInteger.class) {
            return new BigInteger(text.strip());
        }
        if (type == UUID.class) {
            return UUID.fromString(text);
        }
        if (type == LocalDate.class) {
            return LocalDate.parse(text);
        }
        if (type == LocalTime.class) {
            return LocalTime.parse(text);
        }
        if (type == LocalDateTime.class) {
            return LocalDateTime.from(DATE_TIME.parse(text));
        }
        if (type == OffsetDateTime.class || type == Instant.class) {
            TemporalAccessor parsed = DATE_TIME.parse(text);
            ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    ? ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)) : ZoneOffset.UTC;
            OffsetDateTime dateTime = LocalDateTime.from(parsed).atOffset(offset);
            return type == Instant.class ? dateTime.toInstant() : dateTime;
        }
        if (type == byte[].class || type == ByteBuffer.class || type == Blob.class) {
            return fromBlob(text.getBytes(StandardCharsets.UTF_8), type);
        }
        return null;
    }

    private static Object fromBlob(byte[] bytes, Class<?> type) {
        if (type == byte[].class) {
            return bytes.clone();
        }
        if (type == ByteBuffer.class) {
            return ByteBuffer.wrap(bytes.clone());
        }
        if (type == Blob.class) {
            return Blob.from(Mono.just(ByteBuffer.wrap(bytes.clone())));
        }
        if (type == UUID.class && bytes.length == 16) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new UUID(buffer.getLong(), buffer.getLong());
        }
        return null;
    }

    private static long checkedRange(long value, long min, long max) {
        if (value < min || value > max) {
            throw new ArithmeticException(value + " is out of range");
        }
        return value;
    }

    private static String storageClass(Object stored) {
        if (stored instanceof Long) {
            return "INTEGER";
        }
        if (stored instanceof Double) {
            return "REAL";
        }
        return stored instanceof String ? "TEXT" : "BLOB";
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        if (type == float.class) {
            return Float.class;
        }
        return type == short.class ? Short.class : Byte.class;
    }
}
