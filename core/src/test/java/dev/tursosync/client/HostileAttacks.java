package dev.tursosync.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tursosync.PushRejectedException;
import dev.tursosync.RemoteSqlException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.SyncServerException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.proto.PageSetZstdEncodingProto;
import dev.tursosync.internal.proto.PullUpdatesStreamKind;
import dev.tursosync.internal.sqlite.PageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The named attacks of {@link HostileServerIntegrationTests}: rewrites of a real server's bootstrap, pull, push and
 * push-position replies, each with the typed error the client must answer with.
 */
final class HostileAttacks {

    /** Which reply an attack rewrites. */
    enum Target {
        /** The first {@code /pull-updates} of a new replica. */
        BOOTSTRAP,
        /** An incremental {@code /pull-updates}. */
        PULL,
        /** The pipeline batch of a push. */
        PUSH,
        /** The pipeline request reading the push position. */
        POSITION
    }

    /**
     * One attack.
     *
     * @param name     its name (the test's display name)
     * @param target   the reply it rewrites
     * @param expected the error the client must raise
     * @param rewrite  the rewrite
     */
    record Attack(String name, Target target, Class<? extends TursoSyncException> expected,
                  RewritingProxy.Rewrite rewrite) {
        @Override
        public String toString() {
            return target.name().toLowerCase() + ":" + name;
        }
    }

    /** The token the client sends; servers under attack echo it. */
    static final String TOKEN = "tok-Hostile-0123456789abcdefXYZ";

    private static final ObjectMapper JSON = new ObjectMapper();

    private HostileAttacks() {
    }

    static List<Attack> all() {
        List<Attack> attacks = new ArrayList<>();
        attacks.addAll(pageAttacks(Target.PULL));
        attacks.addAll(pullOnlyAttacks());
        attacks.addAll(pageAttacks(Target.BOOTSTRAP).stream()
                .filter(attack -> BOOTSTRAP_KINDS.contains(attack.name())).toList());
        attacks.addAll(pushAttacks());
        attacks.addAll(positionAttacks());
        return attacks;
    }

    private static final List<String> BOOTSTRAP_KINDS = List.of("page1-zero-filled", "page1-bad-magic",
            "page1-page-size-512", "page1-reserved-255", "db-size-below-highest-page", "db-size-zero",
            "db-size-huge", "page-id-2^31", "leaf-garbage", "leaf-cell-count-65535", "interior-child-beyond-size",
            "overflow-chain-loop", "page-dropped");

    // ---- pages -----------------------------------------------------------------------------------------------

    private static Attack pages(Target target, String name, Consumer<PullReply> edit) {
        return new Attack(name, target, SyncProtocolException.class, (path, request, reply) -> {
            PullReply pull = PullReply.decode(reply.body());
            edit.accept(pull);
            return reply.withBody(pull.encode()).bytes();
        });
    }

    private static List<Attack> pageAttacks(Target t) {
        List<Attack> a = new ArrayList<>();
        a.add(pages(t, "db-size-zero", reply -> reply.header.setDbSize(0)));
        a.add(pages(t, "db-size-one", reply -> reply.header.setDbSize(1)));
        a.add(pages(t, "db-size-below-highest-page", reply -> reply.header.setDbSize(reply.dbSize() - 1)));
        a.add(pages(t, "db-size-huge", reply -> reply.header.setDbSize(1L << 40)));
        a.add(pages(t, "db-size-2^31", reply -> reply.header.setDbSize(1L << 31)));
        a.add(pages(t, "db-size-grown-without-pages", reply -> reply.header.setDbSize(reply.dbSize() + 5)));
        a.add(pages(t, "page-id-2^31", reply -> reply.order.get(reply.size() - 1)[0] = (1L << 31) + 1));
        a.add(pages(t, "page-id-beyond-size", reply -> reply.order.get(reply.size() - 1)[0] = reply.dbSize() + 1));
        a.add(pages(t, "page-dropped", reply -> drop(reply, reply.dbSize())));
        a.add(pages(t, "page1-zero-filled", reply -> Arrays.fill(reply.image(1), (byte) 0)));
        a.add(pages(t, "page1-bad-magic", reply -> reply.image(1)[3] = 'X'));
        a.add(pages(t, "page1-page-size-512", reply -> PullReply.u16(reply.image(1), 16, 512)));
        a.add(pages(t, "page1-page-size-8192", reply -> PullReply.u16(reply.image(1), 16, 8192)));
        a.add(pages(t, "page1-reserved-255", reply -> reply.image(1)[20] = (byte) 255));
        a.add(pages(t, "page1-payload-fractions", reply -> reply.image(1)[21] = 65));
        a.add(pages(t, "page1-freelist-count-huge", reply -> PullReply.u32(reply.image(1), 36, 1L << 30)));
        a.add(pages(t, "page1-freelist-trunk-beyond", reply -> {
            PullReply.u32(reply.image(1), 32, reply.dbSize() + 10);
            PullReply.u32(reply.image(1), 36, 1);
        }));
        a.add(pages(t, "page1-header-size-above-db-size", reply -> {
            byte[] page1 = reply.image(1);
            PullReply.u32(page1, 28, reply.dbSize() + 100);
            System.arraycopy(page1, 24, page1, 92, 4);
        }));
        a.add(pages(t, "page1-text-encoding-9", reply -> PullReply.u32(reply.image(1), 56, 9)));
        a.add(pages(t, "page1-schema-format-9", reply -> PullReply.u32(reply.image(1), 44, 9)));
        a.add(pages(t, "page1-btree-type-garbage", reply -> reply.image(1)[100] = 7));
        a.add(pages(t, "page1-schema-cell-pointer-out", reply -> PullReply.u16(reply.image(1), 108, 5000)));
        a.add(pages(t, "leaf-garbage", reply -> garbage(reply.image(leaf(reply)), 11, true)));
        a.add(pages(t, "leaf-garbage-with-flag", reply -> {
            byte[] image = reply.image(leaf(reply));
            garbage(image, 12, true);
            image[0] = (byte) PageType.LEAF_TABLE.flag();
        }));
        a.add(pages(t, "leaf-zero-filled", reply -> Arrays.fill(reply.image(leaf(reply)), (byte) 0)));
        a.add(pages(t, "leaf-cell-count-65535", reply -> PullReply.u16(reply.image(leaf(reply)), 3, 65535)));
        a.add(pages(t, "leaf-cell-pointer-beyond-usable", reply -> PullReply.u16(reply.image(leaf(reply)), 8, 4095)));
        a.add(pages(t, "leaf-cell-pointer-into-header", reply -> PullReply.u16(reply.image(leaf(reply)), 8, 2)));
        a.add(pages(t, "leaf-content-area-beyond-usable", reply -> PullReply.u16(reply.image(leaf(reply)), 5,
                4097 & 0xffff)));
        a.add(pages(t, "leaf-freeblock-loop", reply -> {
            byte[] image = reply.image(leaf(reply));
            int block = cellContentStart(image);
            PullReply.u16(image, 1, block);
            PullReply.u16(image, block, block);
            PullReply.u16(image, block + 2, 4);
        }));
        a.add(pages(t, "leaf-freeblock-beyond-page", reply -> PullReply.u16(reply.image(leaf(reply)), 1, 4094)));
        a.add(pages(t, "leaf-fragmented-bytes-255", reply -> reply.image(leaf(reply))[7] = (byte) 255));
        a.add(pages(t, "leaf-overlapping-cells", reply -> {
            byte[] image = reply.image(leaf(reply));
            PullReply.u16(image, 10, ((image[8] & 0xff) << 8) | (image[9] & 0xff));
        }));
        a.add(pages(t, "leaf-rowids-out-of-order", reply -> {
            byte[] image = reply.image(leaf(reply));
            int p0 = ((image[8] & 0xff) << 8) | (image[9] & 0xff);
            int p1 = ((image[10] & 0xff) << 8) | (image[11] & 0xff);
            PullReply.u16(image, 8, p1);
            PullReply.u16(image, 10, p0);
        }));
        a.add(pages(t, "leaf-type-flipped-to-index", reply -> reply.image(leaf(reply))[0] =
                (byte) PageType.LEAF_INDEX.flag()));
        a.add(pages(t, "leaf-type-flipped-to-interior", reply -> reply.image(leaf(reply))[0] =
                (byte) PageType.INTERIOR_TABLE.flag()));
        a.add(pages(t, "index-leaf-cells-swapped", reply -> swapCells(reply.image(indexPage(reply,
                PageType.LEAF_INDEX)), 8, 0, 1)));
        a.add(pages(t, "index-interior-cells-swapped", reply -> swapCells(reply.image(indexPage(reply,
                PageType.INTERIOR_INDEX)), 12, 0, 1)));
        a.add(pages(t, "index-leaves-swapped", reply -> swap(reply, indexPage(reply, PageType.LEAF_INDEX),
                reply.firstOfType(PageType.LEAF_INDEX, 2).orElseThrow())));
        a.add(pages(t, "index-key-out-of-order", reply -> {
            byte[] image = reply.image(indexPage(reply, PageType.LEAF_INDEX));
            int cell = PullReply.u16(image, 8 + 2 * (PullReply.u16(image, 3) - 1));
            int record = cell + 2;
            image[record + image[record]] = ' ';
        }));
        a.add(pages(t, "interior-child-zero", reply -> PullReply.u32(reply.image(interior(reply)), 8, 0)));
        a.add(pages(t, "interior-child-beyond-size", reply -> PullReply.u32(reply.image(interior(reply)), 8,
                reply.dbSize() + 1)));
        a.add(pages(t, "interior-child-self", reply -> {
            long page = interior(reply);
            PullReply.u32(reply.image(page), 8, page);
        }));
        a.add(pages(t, "interior-child-to-page-1", reply -> PullReply.u32(reply.image(interior(reply)), 8, 1)));
        a.add(pages(t, "overflow-chain-loop", reply -> {
            List<Long> chain = reply.chain(reply.overflowCell().orElseThrow()[2]);
            PullReply.u32(reply.image(chain.get(chain.size() - 1)), 0, chain.get(0));
        }));
        a.add(pages(t, "overflow-chain-beyond-size", reply -> PullReply.u32(
                reply.image(reply.overflowCell().orElseThrow()[2]), 0, reply.dbSize() + 3)));
        a.add(pages(t, "overflow-chain-cut-short", reply -> PullReply.u32(
                reply.image(reply.overflowCell().orElseThrow()[2]), 0, 0)));
        a.add(pages(t, "overflow-chain-too-long", reply -> {
            List<Long> chain = reply.chain(reply.overflowCell().orElseThrow()[2]);
            PullReply.u32(reply.image(chain.get(chain.size() - 1)), 0, leaf(reply));
        }));
        a.add(pages(t, "overflow-page-is-a-leaf", reply -> {
            long first = reply.overflowCell().orElseThrow()[2];
            byte[] image = reply.image(first);
            System.arraycopy(reply.image(leaf(reply)), 0, image, 0, PullReply.PAGE_SIZE);
        }));
        a.add(pages(t, "swapped-page1-and-leaf", reply -> swap(reply, 1, leaf(reply))));
        a.add(pages(t, "swapped-leaf-and-interior", reply -> swap(reply, leaf(reply), interior(reply))));
        a.add(pages(t, "swapped-leaf-and-overflow", reply -> swap(reply, leaf(reply),
                reply.overflowCell().orElseThrow()[2])));
        a.add(pages(t, "duplicate-page-with-garbage", reply -> {
            long leaf = leaf(reply);
            byte[] copy = new byte[PullReply.PAGE_SIZE];
            garbage(copy, 13, false);
            reply.order.add(new long[] {leaf});
            reply.images.add(copy);
        }));
        a.add(pages(t, "zstd-encoding", reply -> reply.header.setZstdEncoding(
                PageSetZstdEncodingProto.getDefaultInstance())));
        a.add(pages(t, "logical-log-stream", reply -> reply.header.setStreamKind(
                PullUpdatesStreamKind.STREAM_KIND_MVCC_LOGICAL_LOG)));
        a.add(new Attack("page-of-4095-bytes", t, SyncProtocolException.class, (path, request, reply) -> {
            PullReply pull = PullReply.decode(reply.body());
            int last = pull.size() - 1;
            pull.images.set(last, Arrays.copyOf(pull.images.get(last), 4095));
            return reply.withBody(pull.encode()).bytes();
        }));
        a.add(new Attack("length-prefix-huge", t, SyncProtocolException.class, (path, request, reply) ->
                reply.withBody(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 1, 2, 3}).bytes()));
        a.add(new Attack("garbage-protobuf", t, SyncProtocolException.class, (path, request, reply) -> {
            byte[] body = new byte[300];
            garbage(body, 17, false);
            body[0] = 100;
            return reply.withBody(body).bytes();
        }));
        return a;
    }

    private static List<Attack> pullOnlyAttacks() {
        List<Attack> a = new ArrayList<>();
        a.add(pages(Target.PULL, "empty-reply-new-revision-other-size", reply -> {
            reply.order.clear();
            reply.images.clear();
        }));
        a.add(pages(Target.PULL, "existing-leaf-garbage", reply -> garbage(reply.image(existingLeaf(reply)), 19,
                true)));
        a.add(pages(Target.PULL, "existing-leaf-zero-filled", reply -> Arrays.fill(
                reply.image(existingLeaf(reply)), (byte) 0)));
        a.add(pages(Target.PULL, "page1-reserved-changed", reply -> reply.image(1)[20] = 8));
        a.add(pages(Target.PULL, "existing-index-leaf-unsent", reply -> drop(reply,
                reply.firstOfType(PageType.LEAF_INDEX, 2).orElseThrow())));
        a.add(pages(Target.PULL, "existing-table-leaf-unsent", reply -> drop(reply, existingLeaf(reply))));
        a.add(new Attack("http-header-too-long", Target.PULL, SyncProtocolException.class, (path, request, reply) -> {
            String head = "HTTP/1.1 200 OK\r\nX-Filler: " + "a".repeat(64 * 1024) + "\r\nContent-Length: "
                    + reply.body().length + "\r\nConnection: close\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = Arrays.copyOf(headBytes, headBytes.length + reply.body().length);
            System.arraycopy(reply.body(), 0, out, headBytes.length, reply.body().length);
            return out;
        }));
        a.add(new Attack("error-400-echoing-the-token-across-the-cut", Target.PULL, SyncServerException.class,
                (path, request, reply) -> new RewritingProxy.Reply(400, List.of("Content-Type: text/plain"),
                        ("x".repeat(500) + " bad token " + TOKEN + " and again " + TOKEN.substring(3, 20))
                                .getBytes(StandardCharsets.UTF_8)).bytes()));
        return a;
    }

    // ---- push ------------------------------------------------------------------------------------------------

    private interface JsonEdit {
        void edit(ObjectNode result, ArrayNode results, ArrayNode stepResults, ArrayNode stepErrors);
    }

    private static Attack json(Target target, String name, Class<? extends TursoSyncException> expected,
                               JsonEdit edit) {
        return new Attack(name, target, expected, (path, request, reply) -> {
            ObjectNode root = (ObjectNode) JSON.readTree(reply.body());
            ArrayNode results = (ArrayNode) root.get("results");
            ObjectNode batch = (ObjectNode) results.get(0).path("response").path("result");
            edit.edit(root, results, (ArrayNode) batch.get("step_results"), (ArrayNode) batch.get("step_errors"));
            return reply.withBody(JSON.writeValueAsBytes(root)).bytes();
        });
    }

    private static ObjectNode error(String message) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("message", message);
        error.put("code", "SQLITE_ERROR");
        return error;
    }

    private static List<Attack> pushAttacks() {
        Target t = Target.PUSH;
        List<Attack> a = new ArrayList<>();
        a.add(json(t, "result-only-for-commit", SyncProtocolException.class, (root, results, steps, errors) -> {
            int commit = steps.size() - 2;
            for (int i = 0; i < steps.size(); i++) {
                if (i != commit) {
                    steps.set(i, JsonNodeFactory.instance.nullNode());
                }
            }
        }));
        a.add(json(t, "no-results", SyncProtocolException.class, (root, results, steps, errors) ->
                results.removeAll()));
        a.add(json(t, "two-results", SyncProtocolException.class, (root, results, steps, errors) ->
                results.add(results.get(0).deepCopy())));
        a.add(json(t, "guard-answers-0", SyncProtocolException.class, (root, results, steps, errors) ->
                ((ObjectNode) steps.get(2)).set("rows", JSON.valueToTree(
                        List.of(List.of(java.util.Map.of("type", "integer", "value", "0")))))));
        a.add(json(t, "commit-without-result", SyncProtocolException.class, (root, results, steps, errors) ->
                steps.set(steps.size() - 2, JsonNodeFactory.instance.nullNode())));
        a.add(json(t, "rollback-ran-after-commit", SyncProtocolException.class, (root, results, steps, errors) ->
                steps.set(steps.size() - 1, steps.get(steps.size() - 2).deepCopy())));
        a.add(json(t, "result-and-error-for-one-step", SyncProtocolException.class, (root, results, steps, errors) ->
                errors.set(3, error("both"))));
        a.add(json(t, "more-outcomes-than-steps", SyncProtocolException.class, (root, results, steps, errors) -> {
            steps.add(steps.get(0).deepCopy());
            errors.add(JsonNodeFactory.instance.nullNode());
        }));
        a.add(json(t, "step-results-missing", SyncProtocolException.class, (root, results, steps, errors) ->
                steps.removeAll()));
        a.add(json(t, "change-rejected-echoing-the-token", PushRejectedException.class,
                (root, results, steps, errors) -> {
                    for (int i = 3; i < steps.size(); i++) {
                        steps.set(i, JsonNodeFactory.instance.nullNode());
                    }
                    errors.set(3, error("constraint failed near '" + TOKEN + "' (" + TOKEN.substring(5, 18) + ")"));
                    steps.set(steps.size() - 1, steps.get(0).deepCopy());
                }));
        a.add(json(t, "request-failed-echoing-the-token", RemoteSqlException.class,
                (root, results, steps, errors) -> {
                    ObjectNode failed = JsonNodeFactory.instance.objectNode();
                    failed.put("type", "error");
                    failed.set("error", error("auth header " + TOKEN));
                    results.set(0, failed);
                }));
        a.add(new Attack("malformed-json-echoing-the-token", t, SyncProtocolException.class,
                (path, request, reply) -> reply.withBody(("{\"results\": [" + TOKEN + "]")
                        .getBytes(StandardCharsets.UTF_8)).bytes()));
        return a;
    }

    private static List<Attack> positionAttacks() {
        Target t = Target.POSITION;
        List<Attack> a = new ArrayList<>();
        a.add(json(t, "no-results", SyncProtocolException.class, (root, results, steps, errors) ->
                results.removeAll()));
        a.add(json(t, "not-integers", SyncProtocolException.class, (root, results, steps, errors) ->
                ((ObjectNode) steps.get(0)).set("rows", JSON.valueToTree(List.of(List.of(
                        java.util.Map.of("type", "text", "value", TOKEN),
                        java.util.Map.of("type", "text", "value", "x")))))));
        a.add(json(t, "generation-ahead", SyncProtocolException.class, (root, results, steps, errors) ->
                ((ObjectNode) steps.get(0)).set("rows", JSON.valueToTree(List.of(List.of(
                        java.util.Map.of("type", "integer", "value", "999"),
                        java.util.Map.of("type", "integer", "value", "1")))))));
        a.add(json(t, "change-id-beyond-any-local-change", SyncProtocolException.class,
                (root, results, steps, errors) -> {
                    ObjectNode row = (ObjectNode) steps.get(0);
                    JsonNode existing = row.path("rows").path(0).path(0);
                    String generation = existing.isMissingNode() ? "0" : existing.path("value").asText();
                    row.set("rows", JSON.valueToTree(List.of(List.of(
                            java.util.Map.of("type", "integer", "value", generation),
                            java.util.Map.of("type", "integer", "value", "1000000000")))));
                }));
        a.add(json(t, "error-echoing-the-token", RemoteSqlException.class, (root, results, steps, errors) -> {
            steps.set(0, JsonNodeFactory.instance.nullNode());
            errors.set(0, error("permission denied for " + TOKEN));
        }));
        return a;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** The received table leaf with the highest number: a new page of the round's new table. */
    static long leaf(PullReply reply) {
        return reply.highestOfType(PageType.LEAF_TABLE, 2).orElseThrow(() -> new IllegalStateException(
                "the reply has no table leaf to attack"));
    }

    static long interior(PullReply reply) {
        return reply.firstOfType(PageType.INTERIOR_TABLE, 2).orElseThrow(() -> new IllegalStateException(
                "the reply has no interior table page to attack"));
    }

    /** The received table leaf with the lowest number: an existing leaf of the base table the round updated. */
    static long existingLeaf(PullReply reply) {
        return reply.firstOfType(PageType.LEAF_TABLE, 2).orElseThrow(() -> new IllegalStateException(
                "the reply has no table leaf to attack"));
    }

    /** The received index page of a type with the highest number and at least two cells: a page of the round's
     *  new index. */
    static long indexPage(PullReply reply, PageType type) {
        return reply.highestOfType(type, 2).orElseThrow(() -> new IllegalStateException(
                "the reply has no " + type + " page to attack"));
    }

    /** Leaves a page the server changed out of the reply: the replica would keep its old image. */
    private static void drop(PullReply reply, long page) {
        int at = reply.indexOf(page);
        reply.order.remove(at);
        reply.images.remove(at);
    }

    /** Swaps two entries of a page's cell pointer array, which starts at {@code array}. */
    private static void swapCells(byte[] image, int array, int x, int y) {
        int first = PullReply.u16(image, array + 2 * x);
        int second = PullReply.u16(image, array + 2 * y);
        PullReply.u16(image, array + 2 * x, second);
        PullReply.u16(image, array + 2 * y, first);
    }

    private static int cellContentStart(byte[] image) {
        int start = ((image[5] & 0xff) << 8) | (image[6] & 0xff);
        return start == 0 ? 65536 : start;
    }

    private static void swap(PullReply reply, long a, long b) {
        byte[] first = reply.image(a).clone();
        byte[] second = reply.image(b);
        System.arraycopy(second, 0, reply.image(a), 0, PullReply.PAGE_SIZE);
        System.arraycopy(first, 0, second, 0, PullReply.PAGE_SIZE);
    }

    /** Fills an image with seeded random bytes; without a flag, the first byte is no b-tree page type. */
    static void garbage(byte[] image, long seed, boolean noFlag) {
        new Random(seed).nextBytes(image);
        if (noFlag) {
            image[0] = 0x42;
        }
    }

    static byte[] utf8(String text) {
        try {
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
