package dev.tursosync.internal.capture;

import com.fasterxml.jackson.core.JsonFactory;
import dev.tursosync.ChangeLogCorruptException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the JSON row images the capture triggers write: an object per row, column name to value; integers become
 * {@code Long}, reals {@code Double}, text {@code String}, {@code {"$b": "<hex>"}} a {@code byte[]}, JSON null
 * {@code null}. SQLite prints reals with 17 significant digits, so every double reads back exactly (a negative zero
 * reads back as zero).
 */
public final class RowImages {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private RowImages() {
    }

    /**
     * Parses an image.
     *
     * @param json the image, or {@code null}
     * @return the values in column order (unmodifiable), or {@code null} for a {@code null} image
     * @throws ChangeLogCorruptException if the text is not an image
     */
    public static Map<String, Object> parse(String json) {
        if (json == null) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(json)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, json);
            Map<String, Object> row = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String column = parser.currentName();
                row.put(column, value(parser, parser.nextToken(), json));
            }
            return Collections.unmodifiableMap(row);
        } catch (IOException e) {
            throw new ChangeLogCorruptException("malformed row image in the change log", e);
        }
    }

    private static Object value(JsonParser parser, JsonToken token, String json) throws IOException {
        switch (token) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_STRING:
                return parser.getText();
            case START_OBJECT:
                expect(parser.nextToken() == JsonToken.FIELD_NAME && "$b".equals(parser.currentName()), json);
                expect(parser.nextToken() == JsonToken.VALUE_STRING, json);
                byte[] blob = hex(parser.getText());
                expect(parser.nextToken() == JsonToken.END_OBJECT, json);
                return blob;
            default:
                throw new ChangeLogCorruptException("malformed row image in the change log", null);
        }
    }

    private static byte[] hex(String text) {
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new ChangeLogCorruptException("malformed blob in a row image of the change log", e);
        }
    }

    private static void expect(boolean condition, String json) {
        if (!condition) {
            throw new ChangeLogCorruptException("malformed row image in the change log", null);
        }
    }
}
