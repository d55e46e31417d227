package dev.tursosync.internal.push;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The text of each row statement {@link ReplayStatements} generates, built once per shape rather than once per
 * change: a replay or a push of 1,000 inserts into one table runs one text 1,000 times. A text depends only on its
 * shape (the kind of statement, the table, the columns of the images and which identity values are {@code NULL})
 * and on the table's names in the {@link TableKeys} that hold this cache; a new read of the keys (after a schema
 * change) starts an empty one.
 */
final class StatementTexts {

    /**
     * What a text is built from, besides the table's names.
     *
     * @param kind    which statement
     * @param table   the table
     * @param columns the columns the statement names (inserted, or set by an update)
     * @param image   the columns of the image that identifies the row (updates and deletes), else empty
     * @param nulls   for each identity column, in order, whether its value is {@code NULL} ({@code 'n'}) or not
     *                ({@code '-'})
     */
    record Shape(Kind kind, String table, List<String> columns, List<String> image, String nulls) {
    }

    /** The statements with a text of their own. */
    enum Kind {
        /** The insert or upsert of an insert. */
        INSERT,
        /** The delete by key that precedes the upsert of a key with a {@code NULL} part. */
        DELETE_KEY,
        /** An update. */
        UPDATE,
        /** A delete. */
        DELETE
    }

    private final Map<Shape, String> texts = new HashMap<>();

    /**
     * The text of a shape, built the first time it is asked for.
     *
     * @param shape what the text is built from
     * @param build builds it
     * @return the text
     */
    String of(Shape shape, Supplier<String> build) {
        String text = texts.get(shape);
        if (text == null) {
            text = build.get();
            texts.put(shape, text);
        }
        return text;
    }
}
