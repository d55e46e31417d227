package dev.tursosync.internal.hrana;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tursosync.SyncProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encodes {@code /v2/pipeline} requests and decodes their replies (Hrana over HTTP, JSON).
 *
 * <p>Requests are written with Jackson's streaming generator. Integers travel as decimal strings, so every 64-bit
 * value survives; blobs are base64 without padding on output, and padded or unpadded input is accepted.
 */
public final class HranaJsonCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Writes characters outside the BMP as 4-byte UTF-8, not as escaped surrogate pairs. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    private static final Base64.Encoder BASE64_OUT = Base64.getEncoder().withoutPadding();

    private HranaJsonCodec() {
    }

    /**
     * Encodes a pipeline request body.
     *
     * @param requests the requests, in order
     * @return the JSON bytes (UTF-8)
     */
    public static byte[] encode(List<PipelineRequest> requests) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeNullField("baton");
            json.writeArrayFieldStart("requests");
            for (PipelineRequest request : requests) {
                writeRequest(json, request);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeRequest(JsonGenerator json, PipelineRequest request) throws IOException {
        json.writeStartObject();
        if (request instanceof PipelineRequest.Execute execute) {
            json.writeStringField("type", "execute");
            json.writeFieldName("stmt");
            writeStatement(json, execute.statement());
        } else if (request instanceof PipelineRequest.Batch batch) {
            json.writeStringField("type", "batch");
            json.writeObjectFieldStart("batch");
            json.writeArrayFieldStart("steps");
            for (BatchStep step : batch.steps()) {
                json.writeStartObject();
                json.writeFieldName("condition");
                writeCondition(json, step.condition());
                json.writeFieldName("stmt");
                writeStatement(json, step.statement());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void writeStatement(JsonGenerator json, HranaStatement statement) throws IOException {
        json.writeStartObject();
        json.writeStringField("sql", statement.sql());
        json.writeArrayFieldStart("args");
        for (HranaValue arg : statement.args()) {
            writeValue(json, arg);
        }
        json.writeEndArray();
        json.writeBooleanField("want_rows", statement.wantRows());
        json.writeEndObject();
    }

    private static void writeCondition(JsonGenerator json, BatchCondition condition) throws IOException {
        if (condition == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        if (condition instanceof BatchCondition.Ok ok) {
            json.writeStringField("type", "ok");
            json.writeNumberField("step", ok.step());
        } else if (condition instanceof BatchCondition.Error error) {
            json.writeStringField("type", "error");
            json.writeNumberField("step", error.step());
        } else if (condition instanceof BatchCondition.Not not) {
            json.writeStringField("type", "not");
            json.writeFieldName("cond");
            writeCondition(json, not.cond());
        } else if (condition instanceof BatchCondition.And and) {
            writeConditionList(json, "and", and.conds());
        } else if (condition instanceof BatchCondition.Or or) {
            writeConditionList(json, "or", or.conds());
        } else {
            json.writeStringField("type", "is_autocommit");
        }
        json.writeEndObject();
    }

    private static void writeConditionList(JsonGenerator json, String type, List<BatchCondition> conds)
            throws IOException {
        json.writeStringField("type", type);
        json.writeArrayFieldStart("conds");
        for (BatchCondition cond : conds) {
            writeCondition(json, cond);
        }
        json.writeEndArray();
    }

    /**
     * Writes one value in its tagged form, for example {@code {"type":"integer","value":"42"}}.
     *
     * @param json  the generator
     * @param value the value
     * @throws IOException if the generator fails
     */
    public static void writeValue(JsonGenerator json, HranaValue value) throws IOException {
        json.writeStartObject();
        if (value instanceof HranaValue.IntegerValue i) {
            json.writeStringField("type", "integer");
            json.writeStringField("value", Long.toString(i.value()));
        } else if (value instanceof HranaValue.FloatValue f) {
            json.writeStringField("type", "float");
            json.writeNumberField("value", f.value());
        } else if (value instanceof HranaValue.TextValue t) {
            json.writeStringField("type", "text");
            json.writeStringField("value", t.value());
        } else if (value instanceof HranaValue.BlobValue b) {
            json.writeStringField("type", "blob");
            json.writeStringField("base64", BASE64_OUT.encodeToString(b.value()));
        } else {
            json.writeStringField("type", "null");
        }
        json.writeEndObject();
    }

    /**
     * Decodes a pipeline reply body.
     *
     * @param body the JSON bytes
     * @return the reply
     * @throws SyncProtocolException if the body is not a well-formed pipeline reply
     */
    public static PipelineResponse decode(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SyncProtocolException("malformed JSON in the pipeline reply: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new SyncProtocolException("the pipeline reply is not a JSON object");
        }
        JsonNode results = root.get("results");
        if (results == null || !results.isArray()) {
            throw new SyncProtocolException("the pipeline reply has no \"results\" array");
        }
        List<PipelineResult> decoded = new ArrayList<>(results.size());
        for (JsonNode result : results) {
            decoded.add(decodeResult(result));
        }
        return new PipelineResponse(decoded);
    }

    private static PipelineResult decodeResult(JsonNode result) {
        String type = text(result, "type");
        return switch (type) {
            case "ok" -> decodeOk(object(result, "response"));
            case "error" -> new PipelineResult.Failed(decodeError(object(result, "error")));
            default -> throw new SyncProtocolException("unknown pipeline result type: " + type);
        };
    }

    private static PipelineResult decodeOk(JsonNode response) {
        String type = text(response, "type");
        JsonNode result = object(response, "result");
        return switch (type) {
            case "execute" -> new PipelineResult.ExecuteOk(decodeStatementResult(result));
            case "batch" -> new PipelineResult.BatchOk(decodeBatchResult(result));
            default -> throw new SyncProtocolException("unexpected pipeline response type: " + type);
        };
    }

    private static BatchResult decodeBatchResult(JsonNode result) {
        List<StatementResult> results = new ArrayList<>();
        for (JsonNode step : array(result, "step_results")) {
            results.add(step.isNull() ? null : decodeStatementResult(step));
        }
        List<HranaError> errors = new ArrayList<>();
        for (JsonNode step : array(result, "step_errors")) {
            errors.add(step.isNull() ? null : decodeError(step));
        }
        return new BatchResult(results, errors);
    }

    private static StatementResult decodeStatementResult(JsonNode result) {
        if (!result.isObject()) {
            throw new SyncProtocolException("a statement result is not an object");
        }
        List<Column> columns = new ArrayList<>();
        for (JsonNode col : array(result, "cols")) {
            columns.add(new Column(optionalText(col, "name"), optionalText(col, "decltype")));
        }
        List<List<HranaValue>> rows = new ArrayList<>();
        for (JsonNode row : array(result, "rows")) {
            if (!row.isArray()) {
                throw new SyncProtocolException("a result row is not an array");
            }
            List<HranaValue> values = new ArrayList<>(row.size());
            for (JsonNode value : row) {
                values.add(decodeValue(value));
            }
            rows.add(values);
        }
        JsonNode affected = result.get("affected_row_count");
        long affectedRows = affected == null || affected.isNull() ? 0 : affected.asLong();
        JsonNode lastRowid = result.get("last_insert_rowid");
        Long lastInsertRowid = lastRowid == null || lastRowid.isNull() ? null : parseInteger(lastRowid);
        return new StatementResult(columns, rows, affectedRows, lastInsertRowid);
    }

    private static HranaError decodeError(JsonNode error) {
        return new HranaError(text(error, "message"), optionalText(error, "code"));
    }

    /**
     * Decodes one tagged value.
     *
     * @param value the JSON node
     * @return the value
     * @throws SyncProtocolException if the node is not a valid value
     */
    public static HranaValue decodeValue(JsonNode value) {
        if (!value.isObject()) {
            throw new SyncProtocolException("a value is not an object: " + abbreviate(value));
        }
        String type = text(value, "type");
        return switch (type) {
            case "null" -> HranaValue.NullValue.INSTANCE;
            case "integer" -> new HranaValue.IntegerValue(parseInteger(required(value, "value")));
            case "float" -> decodeFloat(required(value, "value"));
            case "text" -> new HranaValue.TextValue(text(value, "value"));
            case "blob" -> new HranaValue.BlobValue(decodeBase64(text(value, "base64")));
            default -> throw new SyncProtocolException("unknown value type: " + type);
        };
    }

    private static HranaValue decodeFloat(JsonNode node) {
        if (node.isNumber()) {
            return new HranaValue.FloatValue(node.doubleValue());
        }
        if (node.isNull()) {
            // JSON cannot carry infinities; servers written with serde send null for them.
            return new HranaValue.FloatValue(Double.NaN);
        }
        throw new SyncProtocolException("a float value is not a number: " + abbreviate(node));
    }

    private static long parseInteger(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.textValue());
            } catch (NumberFormatException e) {
                throw new SyncProtocolException("an integer value is not a 64-bit decimal: " + abbreviate(node));
            }
        }
        throw new SyncProtocolException("an integer value is neither a string nor an integer: " + abbreviate(node));
    }

    private static byte[] decodeBase64(String text) {
        String trimmed = text.strip();
        try {
            return Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException standard) {
            try {
                return Base64.getUrlDecoder().decode(trimmed);
            } catch (IllegalArgumentException urlSafe) {
                throw new SyncProtocolException("a blob value is not valid base64", standard);
            }
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode child = node.get(field);
        if (child == null) {
            throw new SyncProtocolException("missing field \"" + field + "\" in the pipeline reply");
        }
        return child;
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode child = required(node, field);
        if (!child.isObject()) {
            throw new SyncProtocolException("field \"" + field + "\" is not an object");
        }
        return child;
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode child = required(node, field);
        if (!child.isArray()) {
            throw new SyncProtocolException("field \"" + field + "\" is not an array");
        }
        return child;
    }

    private static String text(JsonNode node, String field) {
        JsonNode child = required(node, field);
        if (!child.isTextual()) {
            throw new SyncProtocolException("field \"" + field + "\" is not a string");
        }
        return child.textValue();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode child = node.get(field);
        return child == null || child.isNull() ? null : child.asText();
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
