package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns bound Java values into the values SQLite stores: {@code Long}, {@code Double}, {@code String},
 * {@code byte[]} or {@link #NULL}. Dates and times become text SQLite's date functions read
 * ({@code 2024-01-31 13:45:00.5}); an {@code Instant} is written in UTC with a {@code Z}; {@code UUID} and
 * {@code BigDecimal} become text so nothing is lost; a {@code BigInteger} beyond 64 bits becomes text.
 */
public final class Encoding {

    /** A bound SQL NULL. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "NULL";
        }
    };

    /** Date and time as SQLite writes them, with only the fraction digits needed. */
    static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();

    /** An offset date and time; {@code Z} for UTC. */
    static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(LOCAL_DATE_TIME).appendOffsetId().toFormatter();

    private Encoding() {
    }

    /**
     * Encodes a value at bind time, so unsupported values fail right away.
     *
     * @param value the value; a {@link Parameter} is unwrapped
     * @return the SQLite value, or the {@link Blob} or {@link Clob} to read before execution
     * @throws IllegalArgumentException if the value is {@code null}, an OUT parameter or of an unsupported type
     */
    public static Object encode(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use bindNull(…, type)");
        }
        if (value instanceof Long || value instanceof String) {
            // the common keys and texts, already SQLite values: checked by their (final) classes before the
            // interfaces below, whose failing checks scan the class's interfaces
            return value;
        }
        if (value instanceof Parameter parameter) {
            if (parameter instanceof Parameter.Out) {
                throw new IllegalArgumentException("SQLite has no OUT parameters");
            }
            return parameter.getValue() == null ? NULL : encode(parameter.getValue());
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Boolean flag) {
            return flag ? 1L : 0L;
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof BigInteger integer) {
            return integer.bitLength() < 64 ? (Object) integer.longValue() : integer.toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof ByteBuffer buffer) {
            return bytes(buffer);
        }
        if (value instanceof Blob || value instanceof Clob) {
            return value;
        }
        if (value instanceof UUID || value instanceof LocalDate || value instanceof LocalTime) {
            return value.toString();
        }
        if (value instanceof LocalDateTime dateTime) {
            return LOCAL_DATE_TIME.format(dateTime);
        }
        if (value instanceof Instant instant) {
            return OFFSET_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
        }
        if (value instanceof OffsetDateTime dateTime) {
            return OFFSET_DATE_TIME.format(dateTime);
        }
        throw new IllegalArgumentException("cannot bind a value of " + value.getClass().getName());
    }

    /**
     * A typed null.
     *
     * @param type the Java type the null stands for
     * @return {@link #NULL}
     * @throws IllegalArgumentException if the type is {@code null}
     */
    public static Object encodeNull(Class<?> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        return NULL;
    }

    /**
     * Reads a bound {@link Blob} or {@link Clob} into bytes or text, without blocking; other values pass through.
     *
     * @param value an encoded value
     * @return the SQLite value
     */
    static Mono<Object> resolve(Object value) {
        if (value instanceof Blob blob) {
            return Flux.from(blob.stream())
                    .collectList()
                    .map(buffers -> {
                        int size = buffers.stream().mapToInt(ByteBuffer::remaining).sum();
                        ByteBuffer all = ByteBuffer.allocate(size);
                        buffers.forEach(all::put);
                        return (Object) all.array();
                    });
        }
        if (value instanceof Clob clob) {
            return Flux.from(clob.stream())
                    .reduce(new StringBuilder(), StringBuilder::append)
                    .map(text -> (Object) text.toString());
        }
        return Mono.just(value);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
